using System.CommandLine;
using Apiary.Store.DuckDb;
using DuckDB.NET.Data;

namespace Apiary.Cli.Commands;

/// <summary><c>apiary query "&lt;SQL&gt;"</c>: runs SQL against the store opened read-only; table, CSV or JSON out.</summary>
public static class QueryCommand
{
    public static Command Create()
    {
        var sql = new Argument<string>("sql") { Description = "SQL to run (DuckDB dialect; tables in docs/schema.md)" };
        var db = new Option<string?>("--db") { Description = "Store file (default: $APIARY_DB, else ./apiary.duckdb)" };
        var format = new Option<QueryFormat>("--format") { Description = "Output format", DefaultValueFactory = _ => QueryFormat.Table };

        var command = new Command("query", "Run SQL against the store (read-only) and print the rows");
        command.Arguments.Add(sql);
        command.Options.Add(db);
        command.Options.Add(format);
        command.SetAction(parse =>
        {
            var path = StoreLocation.Resolve(parse.GetValue(db));
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"apiary query: no store at {path} (run `apiary ingest` first, or give --db)");
                return 1;
            }
            try
            {
                using var store = DuckDbStore.Open(path, readOnly: true);
                using var cmd = store.Connection.CreateCommand();
                cmd.CommandText = parse.GetValue(sql) ?? "";
                using var reader = cmd.ExecuteReader();
                QueryOutput.Write(reader, parse.GetValue(format), Console.Out);
                return 0;
            }
            catch (DuckDBException e)
            {
                Console.Error.WriteLine($"apiary query: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
