using System.Net;
using Apiary.Core;
using Xunit;

namespace Apiary.Store.DuckDb.Tests;

/// <summary>
/// The SQL macros that turn stored integer addresses into text (Schema.AddressMacros) print exactly what .NET's
/// IPAddress prints (the text the loader used to store, checked against tshark by the ingest tests).
/// </summary>
public class AddressTextTests
{
    private static readonly string[] Edge =
    [
        "::", "::1", "::2", "::1.2.3.4", "::0.1.0.0", "::0.0.1.0", "::ffff:1.2.3.4", "::ffff:0.0.0.0", "::ffff:0:1.2.3.4",
        "fe80::5efe:1.2.3.4", "2001:db8::5efe:1.2.3.4", "64:ff9b::1.2.3.4", "2001:db8:0:0:1:0:0:1", "2001:0:0:1:0:0:0:1",
        "1::", "0:0:1::", "::1:0:0:0:1", "1:0:1:0:1:0:1:0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::",
        "fe80::1:2:3:4", "1:2:3:4:5:6:7:8", "1:0:0:2:0:0:0:3", "0:1:0:0:0:0:0:0", "::ffff:1:2", "1:2:3:4:0:5efe:a.b.c.d",
    ];

    private static UInt128 Key(IpAddress128 a) => new(a.Hi, a.Lo);

    private static List<string> Expand(IEnumerable<string> texts) =>
        texts.Where(t => IPAddress.TryParse(t, out _)).ToList();

    [Fact]
    public void Ip6_text_prints_what_dotnet_prints_for_edge_and_random_addresses()
    {
        var rng = new Random(5952);
        var addresses = Expand(Edge).Select(IpAddress128.Parse).ToList();
        Span<byte> b = stackalloc byte[16];
        for (var i = 0; i < 3000; i++)
        {
            rng.NextBytes(b);
            // Zero some groups so that runs of zeros of every length and position occur.
            for (var g = 0; g < 8; g++)
                if (rng.Next(3) > 0) { b[2 * g] = 0; b[2 * g + 1] = 0; }
            if (rng.Next(10) == 0) { b[..8].Clear(); b[8] = 0; b[9] = 0; b[10] = (byte)(rng.Next(2) * 0xFF); b[11] = b[10]; }
            if (rng.Next(20) == 0) { b[8] = 0; b[9] = 0; b[10] = 0x5E; b[11] = 0xFE; }
            addresses.Add(IpAddress128.FromV6Bytes(b));
        }
        using var tmp = new TempDb();
        using var store = DuckDbStore.Open(tmp.Path_);
        store.Execute("CREATE TABLE a (k UHUGEINT)");
        store.Execute("INSERT INTO a VALUES " + string.Join(",", addresses.Select(a => $"({Key(a)})")));
        var rows = store.Query("SELECT k, ip6_text(k) FROM a").Rows;
        Assert.Equal(addresses.Count, rows.Count);
        foreach (var r in rows)
        {
            var k = UInt128.Parse(Convert.ToString(r[0], System.Globalization.CultureInfo.InvariantCulture)!, System.Globalization.CultureInfo.InvariantCulture);
            var bytes = new byte[16];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, k);
            Assert.Equal(new IPAddress(bytes).ToString(), (string)r[1]!);
        }
    }

    [Fact]
    public void Ip4_text_ip_key_and_ip_text_round_trip_ipv4()
    {
        using var tmp = new TempDb();
        using var store = DuckDbStore.Open(tmp.Path_);
        var v4 = new[] { "0.0.0.0", "1.2.3.4", "10.0.0.1", "192.168.100.255", "255.255.255.255", "100.10.1.0" };
        foreach (var t in v4)
        {
            var a = IpAddress128.Parse(t);
            var r = store.Query($"SELECT ip4_text({a.V4}::UINTEGER), ip_text(ip_key({a.V4}::UINTEGER, NULL::UHUGEINT)), ip_key({a.V4}::UINTEGER, NULL::UHUGEINT) = {Key(a)}::UHUGEINT").Rows[0];
            Assert.Equal(t, (string)r[0]!);
            Assert.Equal(t, (string)r[1]!);
            Assert.True((bool)r[2]!);
        }
        var v6 = IpAddress128.Parse("2001:db8::7");
        Assert.Equal("2001:db8::7", (string)store.Query($"SELECT ip_text(ip_key(NULL::UINTEGER, {Key(v6)}::UHUGEINT))").Scalar()!);
    }
}
