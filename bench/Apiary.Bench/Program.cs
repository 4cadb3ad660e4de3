using BenchmarkDotNet.Running;

// Run one class: dotnet run -c Release --project bench/Apiary.Bench -- --filter '*DecoderBenchmarks*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
