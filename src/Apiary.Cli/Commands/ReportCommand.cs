using System.CommandLine;
using Apiary.Report;
using DuckDB.NET.Data;

namespace Apiary.Cli.Commands;

/// <summary><c>apiary report</c>: every analysis as one self-contained HTML page (or Markdown, JSON).</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Output file", DefaultValueFactory = _ => "report.html" };
        var format = new Option<ReportFormat>("--format") { Description = "html (charts, self-contained), md or json", DefaultValueFactory = _ => ReportFormat.Html };
        var shared = new AnalysisCliOptions();
        var command = new Command("report", "Write the measurements, charts, definitions and provenance as one report file");
        command.Options.Add(output);
        command.Options.Add(format);
        shared.AddTo(command);
        command.SetAction(parse =>
        {
            try
            {
                var (store, context, path) = shared.Open(parse, "report");
                using (store)
                {
                    var data = ReportWriter.Build(context, path);
                    var outPath = parse.GetValue(output) ?? "report.html";
                    ReportWriter.Write(data, parse.GetValue(format), outPath);
                    Console.Error.WriteLine($"apiary report: wrote {Path.GetFullPath(outPath)} ({data.Results.Count(r => r.Unavailable is null)} of {data.Results.Count} analyses with data)");
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
                Console.Error.WriteLine($"apiary report: store error: {e.Message}");
                return 1;
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"apiary report: cannot write: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
