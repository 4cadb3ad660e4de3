using Apiary.Store.DuckDb;
using Xunit;

namespace Apiary.Store.DuckDb.Tests;

public class DuckDbStoreTests
{
    [Fact]
    public void Creates_schema_and_answers_queries_in_a_real_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"apiary-{Guid.NewGuid():N}.duckdb");
        try
        {
            using (var store = DuckDbStore.Open(path))
            {
                store.Execute("INSERT INTO capture_files (file_id, sha256, path, sensor, status) VALUES (1, 'ab', '/x', 's', 'complete')");
            }
            using var again = DuckDbStore.Open(path);
            var r = again.Query("SELECT count(*) AS n, max(sensor) AS s FROM capture_files");
            Assert.Equal(1L, Convert.ToInt64(r.Rows[0][0]));
            Assert.Equal("s", r.Rows[0][r.ColumnIndex("s")]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Extension_autoload_is_off()
    {
        var path = Path.Combine(Path.GetTempPath(), $"apiary-{Guid.NewGuid():N}.duckdb");
        try
        {
            using var store = DuckDbStore.Open(path);
            var r = store.Query("SELECT current_setting('autoload_known_extensions'), current_setting('autoinstall_known_extensions')");
            Assert.Equal(false, r.Rows[0][0]);
            Assert.Equal(false, r.Rows[0][1]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
