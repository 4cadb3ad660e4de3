using System.Diagnostics;
using System.Globalization;
using Apiary.Analysis;
using Apiary.Bench.Analysis;
using Apiary.Store.DuckDb;
using Apiary.Testbed;

// Times `analyze all` end to end (prepared tables + every analysis) on a store, like `apiary analyze all`.
// Usage: dotnet run -c Release --project bench/Apiary.Bench.Analysis -- --db FILE [--testbed FILE] [--synthetic N] [--runs 3]
//   --synthetic N  fills FILE (must not exist) with N paper-shaped rows first (SyntheticPaperData).
string? db = null, testbedFile = null;
long synthetic = 0;
var runs = 3;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--db": db = args[++i]; break;
        case "--testbed": testbedFile = args[++i]; break;
        case "--synthetic": synthetic = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--sql":
            // Times one statement (for profiling a query of an analysis): --db FILE --sql "SELECT ..."
            using (var st = DuckDbStore.Open(db!))
            {
                var q = Stopwatch.StartNew();
                var rows = st.Query(args[++i]).Rows.Count;
                Console.WriteLine($"{q.Elapsed.TotalMilliseconds:0} ms, {rows} rows");
            }
            return 0;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}
if (db is null) { Console.Error.WriteLine("--db FILE is required"); return 2; }
if (synthetic > 0)
{
    if (File.Exists(db)) { Console.Error.WriteLine($"{db} exists; --synthetic needs a new file"); return 2; }
    var fill = Stopwatch.StartNew();
    using var s = DuckDbStore.Open(db);
    SyntheticPaperData.Fill(s, synthetic);
    Console.WriteLine($"filled {synthetic:N0} rows in {fill.Elapsed.TotalSeconds:0.0} s");
}
var testbed = testbedFile is null ? null : TestbedLoader.Load(testbedFile);
var totals = new List<double>();
for (var run = 1; run <= runs; run++)
{
    using var store = DuckDbStore.Open(db);
    var sw = Stopwatch.StartNew();
    var context = new AnalysisContext(store, testbed ?? TestbedTables.LoadStored(store));
    context.Prepare();
    var lines = new List<string> { $"  prepare {context.PrepareTime.TotalMilliseconds,8:0} ms" };
    foreach (var a in AnalysisCatalog.All)
    {
        var t = Stopwatch.StartNew();
        var r = a.Run(context);
        lines.Add($"  {a.Name,-26}{t.Elapsed.TotalMilliseconds,8:0} ms{(r.Unavailable is null ? "" : "  (" + r.Unavailable + ")")}");
    }
    totals.Add(sw.Elapsed.TotalSeconds);
    Console.WriteLine($"run {run}: {sw.Elapsed.TotalSeconds:0.00} s");
    if (run == runs) lines.ForEach(Console.WriteLine);
}
var packets = 0L;
using (var s = DuckDbStore.Open(db)) packets = Values.Long(s.Query("SELECT COUNT(*) FROM packets").Scalar());
totals.Sort();
Console.WriteLine($"analyze all on {packets:N0} packets: median {totals[totals.Count / 2]:0.00} s, min {totals[0]:0.00} s over {runs} runs");
return 0;
