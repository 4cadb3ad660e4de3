using System.CommandLine;
using System.Diagnostics;
using Apiary.Analysis;
using Apiary.Report;
using DuckDB.NET.Data;

namespace Apiary.Cli.Commands;

/// <summary><c>apiary analyze &lt;name|all&gt;</c>: runs the paper's measurements (docs/analyses.md) on the store.</summary>
public static class AnalyzeCommand
{
    public enum OutputFormat { Table, Json, Csv }

    public static Command Create()
    {
        var name = new Argument<string>("name")
        {
            Description = "Analysis name, or 'all': " + string.Join(", ", AnalysisCatalog.All.Select(a => a.Name)),
            DefaultValueFactory = _ => "all",
        };
        var format = new Option<OutputFormat>("--format") { Description = "Output format", DefaultValueFactory = _ => OutputFormat.Table };
        var timings = new Option<bool>("--timings") { Description = "Print how long each analysis took on stderr" };
        var shared = new AnalysisCliOptions();
        var command = new Command("analyze", "Run the paper's measurements and the models on the store");
        command.Arguments.Add(name);
        command.Options.Add(format);
        command.Options.Add(timings);
        shared.AddTo(command);
        command.SetAction(parse =>
        {
            var which = parse.GetValue(name) ?? "all";
            var analyses = which == "all" ? AnalysisCatalog.All : AnalysisCatalog.Find(which) is { } a ? [a] : null;
            if (analyses is null)
            {
                Console.Error.WriteLine($"apiary analyze: unknown analysis '{which}'; known: all, {string.Join(", ", AnalysisCatalog.All.Select(x => x.Name))}");
                return 1;
            }
            try
            {
                var total = Stopwatch.StartNew();
                var (store, context, _) = shared.Open(parse, "analyze");
                using (store)
                {
                    var results = new List<AnalysisResult>();
                    context.Prepare();
                    if (parse.GetValue(timings))
                    {
                        Console.Error.WriteLine($"prepare: {context.PrepareTime.TotalMilliseconds:0} ms");
                        foreach (var (step, time) in context.PrepareSteps) Console.Error.WriteLine($"  prepare {step}: {time.TotalMilliseconds:0} ms");
                    }
                    foreach (var analysis in analyses)
                    {
                        var sw = Stopwatch.StartNew();
                        results.Add(analysis.Run(context));
                        if (parse.GetValue(timings)) Console.Error.WriteLine($"{analysis.Name}: {sw.ElapsedMilliseconds} ms");
                    }
                    if (parse.GetValue(timings)) Console.Error.WriteLine($"total: {total.ElapsedMilliseconds} ms");
                    switch (parse.GetValue(format))
                    {
                        case OutputFormat.Json:
                            using (var stdout = Console.OpenStandardOutput()) TextOutput.WriteJson(results, stdout);
                            Console.Out.WriteLine();
                            break;
                        case OutputFormat.Csv: TextOutput.WriteCsv(results, Console.Out); break;
                        default: TextOutput.WriteTable(results, Console.Out); break;
                    }
                }
                return 0;
            }
            catch (UserError e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
            catch (DuckDBException e)
            {
                Console.Error.WriteLine($"apiary analyze: store error: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
