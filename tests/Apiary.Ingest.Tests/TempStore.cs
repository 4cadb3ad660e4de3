namespace Apiary.Ingest.Tests;

/// <summary>A fresh temporary folder holding a DuckDB store file; deleted on dispose.</summary>
public sealed class TempStore : IDisposable
{
    public TempStore()
    {
        Folder = Path.Combine(Path.GetTempPath(), $"apiary-ingest-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Folder);
        DbPath = Path.Combine(Folder, "store.duckdb");
    }

    public string Folder { get; }
    public string DbPath { get; }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
