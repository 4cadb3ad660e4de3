namespace Apiary.Store;

/// <summary>Statements every store user composes the same way.</summary>
public static class StoreExtensions
{
    /// <summary>Runs <paramref name="action"/> in one transaction: committed when it returns, rolled back when it throws.</summary>
    public static void InTransaction(this IStore store, Action action)
    {
        store.Execute("BEGIN TRANSACTION");
        try
        {
            action();
            store.Execute("COMMIT");
        }
        catch
        {
            store.Execute("ROLLBACK");
            throw;
        }
    }

    /// <summary>
    /// <c>BASE TABLE</c> or <c>VIEW</c> for a table or view of that name in the main schema, null when there is none
    /// (how an older layout, where a view's name was a table, is recognised).
    /// </summary>
    public static string? TableType(this IStore store, string name) =>
        store.Query($"SELECT table_type FROM information_schema.tables WHERE table_schema = 'main' AND table_name = {SqlLiteral.Text(name)}").Scalar() as string;
}
