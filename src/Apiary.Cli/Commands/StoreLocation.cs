namespace Apiary.Cli.Commands;

/// <summary>Where the store is when --db is not given: $APIARY_DB, else ./apiary.duckdb.</summary>
public static class StoreLocation
{
    public const string EnvironmentVariable = "APIARY_DB";
    public const string DefaultFileName = "apiary.duckdb";

    public static string Resolve(string? option)
    {
        if (!string.IsNullOrWhiteSpace(option)) return Path.GetFullPath(option);
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return Path.GetFullPath(string.IsNullOrWhiteSpace(env) ? DefaultFileName : env);
    }
}
