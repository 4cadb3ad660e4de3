namespace Apiary.Store.DuckDb.Tests;

/// <summary>A DuckDB file in a fresh temporary folder, deleted with the folder.</summary>
public sealed class TempDb : IDisposable
{
    public TempDb()
    {
        Folder = Path.Combine(Path.GetTempPath(), $"apiary-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Folder);
        Path_ = System.IO.Path.Combine(Folder, "store.duckdb");
    }

    public string Folder { get; }
    public string Path_ { get; }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
