using Apiary.Testbed;

namespace Apiary.Analysis.Tests;

/// <summary>
/// A tiny hand-built honeynet month set on the paper's testbed (mach0 192.0.2.10, mach1 .11, mach2 .12;
/// its own open ports, written in the inventory below (an earlier version of examples/testbed-paper.toml); captured 2003-03-01 to 2003-07-01, Europe/Paris).
/// Every expected number in the tests is worked out from the comments here.
/// </summary>
public static class PaperFixture
{
    public const string M0 = "192.0.2.10", M1 = "192.0.2.11", M2 = "192.0.2.12";
    public const string A = "198.51.100.1", B = "198.51.100.2", C = "198.51.100.3", D = "203.0.113.4", E = "203.0.113.5";

    public static readonly DateTime T0 = new(2003, 3, 3, 10, 0, 0, DateTimeKind.Utc);      // Monday, 11:00 in Paris (UTC+1)
    public static readonly DateTime TB = new(2003, 3, 4, 12, 0, 0, DateTimeKind.Utc);      // Tuesday
    public static readonly DateTime TC = new(2003, 4, 5, 20, 0, 0, DateTimeKind.Utc);      // Saturday, 22:00 in Paris (UTC+2)
    public static readonly DateTime TC2 = new(2003, 4, 7, 9, 0, 0, DateTimeKind.Utc);      // 37 h after C's last packet: a new source
    public static readonly DateTime TD = new(2003, 5, 14, 3, 0, 0, DateTimeKind.Utc);      // Wednesday
    public static readonly DateTime TE = new(2003, 4, 5, 20, 0, 1, DateTimeKind.Utc);      // overlaps C's first visit

    public const string TestbedToml = """
        [[platform]]
        name = "eurecom"
        timezone = "Europe/Paris"
        [[platform.capture]]
        from = 2003-03-01T00:00:00Z
        to = 2003-07-01T00:00:00Z
        [[platform.target]]
        name = "mach0"
        address = "192.0.2.10"
        open_tcp = [21, 80, 139, 445]
        open_udp = [137]
        [[platform.target]]
        name = "mach1"
        address = "192.0.2.11"
        open_tcp = [21, 25, 80, 135, 139, 443, 445]
        open_udp = [137, 161]
        [[platform.target]]
        name = "mach2"
        address = "192.0.2.12"
        open_tcp = [21, 22, 80, 111]
        open_udp = [111]
        """;

    public static TestbedInventory Inventory() => TestbedLoader.Parse(TestbedToml, "fixture.toml");

    /// <summary>
    /// Sources (address x visit): A scans all three targets (139, 445) in 2.5 s; B hits mach0 then mach1 (80);
    /// C hits only mach1 (80 x3 + one SYN+ACK backscatter), comes back 37 h later (21); D hits only mach2
    /// (UDP 137 closed + ICMP echo); E scans six ports of mach0 (two closed). Plus a reply from mach1 and a
    /// packet outside the capture period, which are not incoming.
    /// </summary>
    public static FixtureStore Build()
    {
        var f = new FixtureStore();
        const int tcp = FixtureStore.Tcp;
        f.Packet(T0, A, M0, tcp, 4000, 139, FixtureStore.Syn)
         .Packet(T0.AddSeconds(0.5), A, M0, tcp, 4001, 445, FixtureStore.Syn)
         .Packet(T0.AddSeconds(1), A, M1, tcp, 4002, 139, FixtureStore.Syn)
         .Packet(T0.AddSeconds(1.5), A, M1, tcp, 4003, 445, FixtureStore.Syn)
         .Packet(T0.AddSeconds(2), A, M2, tcp, 4004, 139, FixtureStore.Syn)
         .Packet(T0.AddSeconds(2.5), A, M2, tcp, 4005, 445, FixtureStore.Syn)
         .Packet(T0.AddSeconds(1.1), M1, A, tcp, 139, 4002, FixtureStore.SynAck)           // reply: not incoming
         .Packet(TB, B, M0, tcp, 5000, 80, FixtureStore.Syn)
         .Packet(TB.AddSeconds(5), B, M1, tcp, 5001, 80, FixtureStore.Syn)
         .Packet(TC, C, M1, tcp, 6000, 80, FixtureStore.Syn)
         .Packet(TC.AddSeconds(1), C, M1, tcp, 6000, 80, FixtureStore.Ack)
         .Packet(TC.AddSeconds(2), C, M1, tcp, 6000, 80, FixtureStore.Ack)
         .Packet(TC.AddSeconds(3), C, M1, tcp, 80, 3000, FixtureStore.SynAck)               // backscatter
         .Packet(TC2, C, M1, tcp, 6001, 21, FixtureStore.Syn)
         .Packet(TD, D, M2, FixtureStore.Udp, 1025, 137)
         .Packet(TD.AddSeconds(10), D, M2, FixtureStore.Icmp, icmpType: 8)
         .Packet(TE, E, M0, tcp, 7000, 21, FixtureStore.Syn)
         .Packet(TE.AddSeconds(0.1), E, M0, tcp, 7000, 80, FixtureStore.Syn)
         .Packet(TE.AddSeconds(0.2), E, M0, tcp, 7000, 139, FixtureStore.Syn)
         .Packet(TE.AddSeconds(0.3), E, M0, tcp, 7000, 445, FixtureStore.Syn)
         .Packet(TE.AddSeconds(0.4), E, M0, tcp, 7000, 1433, FixtureStore.Syn)
         .Packet(TE.AddSeconds(0.5), E, M0, tcp, 7000, 3389, FixtureStore.Syn)
         .Packet(new DateTime(2003, 7, 15, 0, 0, 0, DateTimeKind.Utc), M0, "192.0.2.99", tcp, 1, 2, FixtureStore.Syn) // outside capture, not incoming
         .Commit();
        f.Store.Execute("INSERT INTO anomaly_counts VALUES (1, 'ipv4_header_length_too_short', 3), (1, 'tcp_header_truncated', 1)");
        return f;
    }
}
