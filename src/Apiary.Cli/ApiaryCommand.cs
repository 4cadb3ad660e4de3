using System.CommandLine;

namespace Apiary.Cli;

/// <summary>The root command: each component adds its subcommands here (one file per command under Commands/).</summary>
public static class ApiaryCommand
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Apiary: honeypot captures in, measured attack processes out.");
        root.Subcommands.Add(Commands.DemoCommand.Create());
        root.Subcommands.Add(Commands.IngestCommand.Create());
        root.Subcommands.Add(Commands.QueryCommand.Create());
        root.Subcommands.Add(Commands.FingerprintCommand.Create());
        root.Subcommands.Add(Commands.SimulateCommand.Create());
        root.Subcommands.Add(Commands.SensorCommand.Create());
        root.Subcommands.Add(Commands.InfoCommand.Create());
        root.Subcommands.Add(Commands.EnrichCommand.Create());
        root.Subcommands.Add(Commands.LookupCommand.Create());
        root.Subcommands.Add(Commands.AnalyzeCommand.Create());
        root.Subcommands.Add(Commands.ReportCommand.Create());
        return root;
    }

    public static int Run(string[] args) => Build().Parse(args).Invoke();
}
