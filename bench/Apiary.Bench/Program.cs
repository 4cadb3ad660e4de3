using System.Diagnostics;
using Apiary.Bench;
using BenchmarkDotNet.Running;

// Run one class: dotnet run -c Release --project bench/Apiary.Bench -- --filter '*DecoderBenchmarks*'
// Quick loop for profiling the fingerprint path under perf (no BenchmarkDotNet):
//   dotnet run -c Release --project bench/Apiary.Bench -- fingerprint-loop [ROUNDS]
if (args is ["fingerprint-loop", ..])
{
    var rounds = args.Length > 1 ? int.Parse(args[1]) : 5;
    var b = new FingerprintBenchmarks();
    b.Setup();
    var costs = new List<double>();
    var alone = new List<double>();
    for (var i = 0; i < rounds; i++)
    {
        var t0 = Stopwatch.GetTimestamp();
        b.Decode();
        var t1 = Stopwatch.GetTimestamp();
        b.DecodeAndFingerprint();
        var t2 = Stopwatch.GetTimestamp();
        b.FingerprintDecoded();
        var t3 = Stopwatch.GetTimestamp();
        alone.Add(Ns(t2, t3));
        double Ns(long a, long z) => Stopwatch.GetElapsedTime(a, z).TotalNanoseconds / FingerprintBenchmarks.Frames;
        costs.Add(Ns(t1, t2) - Ns(t0, t1));
        Console.WriteLine($"round {i + 1}: decode {Ns(t0, t1):F1} ns/packet, decode+fingerprint {Ns(t1, t2):F1} ns/packet, fingerprint {Ns(t1, t2) - Ns(t0, t1):F1} ns/packet, fingerprint alone on decoded rows {Ns(t2, t3):F1} ns/packet");
    }
    costs.Sort();
    alone.Sort();
    Console.WriteLine($"fingerprint cost, median of {rounds} rounds: {costs[rounds / 2]:F1} ns/packet (difference), {alone[rounds / 2]:F1} ns/packet (alone on decoded rows); minimum alone {alone[0]:F1} ns/packet");
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
