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

    /// <summary>
    /// Runs a command. Errors a user can act on that any command may meet (a store in an old layout) are printed
    /// as one line with exit 1; anything else is reported whole, as System.CommandLine's default handler does.
    /// </summary>
    public static int Run(string[] args)
    {
        try
        {
            return Build().Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Apiary.Store.StoreFormatException e)
        {
            Console.Error.WriteLine($"apiary: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"apiary: unexpected error: {e}");
            return 1;
        }
    }
}
