using Xunit;

namespace Apiary.Store.DuckDb.Tests;

/// <summary>The bulk-append seam (<see cref="IBulkAppendStore"/>) as the enrichment answers use it.</summary>
public class TableAppenderTests
{
    private const string Table = "CREATE TABLE t (k UHUGEINT, n INTEGER, a UINTEGER, s VARCHAR, u VARCHAR)";

    [Fact]
    public void Rows_of_several_chunks_arrive_with_their_values_and_nulls_in_the_open_transaction()
    {
        using var db = new TempDb();
        using var store = DuckDbStore.Open(db.Path_);
        store.Execute(Table);
        const int rows = 5000; // more than two data chunks of 2048
        store.InTransaction(() =>
        {
            using var appender = ((IBulkAppendStore)store).AppendTo("t", 5);
            for (var i = 0; i < rows; i++)
            {
                appender.AddUHugeInt(((UInt128)(ulong)i << 64) | (ulong)(i * 7));
                appender.AddInt(i);
                appender.AddUInt(i % 3 == 0 ? null : (uint)i);
                appender.AddText(i % 5 == 0 ? null : $"ä{i}");
                appender.AddUtf8(System.Text.Encoding.UTF8.GetBytes($"2001:db8::{i:x}"));
                appender.EndRow();
            }
            appender.Close();
        });
        var r = store.Query("""
            SELECT count(*), count(a), count(s), sum(n)::BIGINT, max(u),
                   count(*) FILTER (WHERE (k >> 64::UHUGEINT)::BIGINT = n AND (k & 18446744073709551615::UHUGEINT)::BIGINT = n * 7),
                   count(*) FILTER (WHERE s = 'ä' || n)
            FROM t
            """).Rows[0];
        Assert.Equal(rows, Convert.ToInt64(r[0]));
        Assert.Equal(rows - (rows + 2) / 3, Convert.ToInt64(r[1]));
        Assert.Equal(rows - rows / 5, Convert.ToInt64(r[2]));
        Assert.Equal((long)rows * (rows - 1) / 2, Convert.ToInt64(r[3]));
        Assert.Equal("2001:db8::fff", r[4]);
        Assert.Equal(rows, Convert.ToInt64(r[5]));
        Assert.Equal(rows - rows / 5, Convert.ToInt64(r[6]));
    }

    [Fact]
    public void A_writer_whose_columns_differ_from_the_table_fails_naming_the_table_and_column()
    {
        using var db = new TempDb();
        using var store = DuckDbStore.Open(db.Path_);
        store.Execute(Table);
        var bulk = (IBulkAppendStore)store;
        var count = Assert.Throws<InvalidOperationException>(() => bulk.AppendTo("t", 4));
        Assert.Contains("t has 5 columns", count.Message, StringComparison.Ordinal);

        using var appender = bulk.AppendTo("t", 5);
        var type = Assert.Throws<InvalidOperationException>(() => appender.AddInt(1));
        Assert.Contains("column 1 of table t", type.Message, StringComparison.Ordinal);
        appender.AddUHugeInt(1);
        appender.AddInt(1);
        var early = Assert.Throws<InvalidOperationException>(appender.EndRow);
        Assert.Contains("after 2 of its 5 columns", early.Message, StringComparison.Ordinal);
    }
}
