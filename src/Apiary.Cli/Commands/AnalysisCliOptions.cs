using System.CommandLine;
using System.Globalization;
using Apiary.Analysis;
using Apiary.Config;
using Apiary.Store.DuckDb;
using Apiary.Testbed;

namespace Apiary.Cli.Commands;

/// <summary>The options `apiary analyze` and `apiary report` share: store, testbed, selection, definitions.</summary>
internal sealed class AnalysisCliOptions
{
    public Option<string?> Db { get; } = new("--db") { Description = "Store file (default: $APIARY_DB, else ./apiary.duckdb)" };
    public Option<string?> Testbed { get; } = new("--testbed") { Description = "Testbed inventory (TOML, docs/testbed.md); stored in the db for later runs. Default: the one stored by a previous run" };
    public Option<string?> From { get; } = new("--from") { Description = "Only packets at or after this UTC time (2003-03-01 or 2003-03-01T12:00:00Z)" };
    public Option<string?> To { get; } = new("--to") { Description = "Only packets before this UTC time" };
    public Option<string?> Platform { get; } = new("--platform") { Description = "Only this platform (the --sensor name given at ingest)" };
    public Option<double> SourceGapHours { get; } = new("--source-gap-hours") { Description = "Silence that ends a source (large session)", DefaultValueFactory = _ => 25 };
    public Option<double> TinyGapHours { get; } = new("--tiny-gap-hours") { Description = "Silence that ends a tiny session (one target)", DefaultValueFactory = _ => 25 };
    public Option<int> TopPorts { get; } = new("--top-ports") { Description = "Ports shown before 'other' (Fig. 4, 5)", DefaultValueFactory = _ => 10 };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Db, Testbed, From, To, Platform, SourceGapHours, TinyGapHours, TopPorts }) command.Options.Add(o);
    }

    public static string ResolveDb(string? option) => StoreLocation.Resolve(option);

    /// <summary>Opens the store and builds the context; errors are user errors (message, exit 1).</summary>
    public (DuckDbStore Store, AnalysisContext Context, string DbPath) Open(ParseResult parse, string command)
    {
        var path = ResolveDb(parse.GetValue(Db));
        if (!File.Exists(path)) throw new UserError($"apiary {command}: no store at {path} (run `apiary ingest` first, or give --db)");
        var options = new AnalysisOptions
        {
            From = ParseTime(parse.GetValue(From), "--from", command),
            To = ParseTime(parse.GetValue(To), "--to", command),
            Platform = parse.GetValue(Platform),
            SourceGap = Hours(parse.GetValue(SourceGapHours), "--source-gap-hours", command),
            TinySessionGap = Hours(parse.GetValue(TinyGapHours), "--tiny-gap-hours", command),
            TopPorts = parse.GetValue(TopPorts) is var top and > 0 ? top : throw new UserError($"apiary {command}: --top-ports must be positive"),
        };
        var store = DuckDbStore.Open(path);
        try
        {
            TestbedInventory? testbed = null;
            if (parse.GetValue(Testbed) is { } file)
            {
                if (!File.Exists(file)) throw new UserError($"apiary {command}: testbed file not found: {file}");
                testbed = TestbedLoader.Load(file);
                TestbedTables.Store(store, testbed, File.ReadAllText(file));
            }
            else testbed = TestbedTables.LoadStored(store);
            return (store, new AnalysisContext(store, testbed, options), path);
        }
        catch (ConfigException e)
        {
            store.Dispose();
            throw new UserError($"apiary {command}: {e.Message}");
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private static TimeSpan Hours(double hours, string name, string command) =>
        hours > 0 && double.IsFinite(hours) ? TimeSpan.FromHours(hours) : throw new UserError($"apiary {command}: {name} must be a positive number of hours");

    private static DateTime? ParseTime(string? text, string name, string command)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
            return DateTime.SpecifyKind(t, DateTimeKind.Utc);
        throw new UserError($"apiary {command}: {name} '{text}' is not a date or time (use 2003-03-01 or 2003-03-01T12:00:00Z)");
    }
}

/// <summary>An error the user can act on: printed on stderr, exit code 1.</summary>
internal sealed class UserError(string message) : Exception(message);
