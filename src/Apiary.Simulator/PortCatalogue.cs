namespace Apiary.Simulator;

/// <summary>What an attacker does once a TCP port answers.</summary>
public enum ServiceDialog
{
    /// <summary>Nothing beyond the handshake (port probe).</summary>
    None,

    /// <summary>NetBIOS session + SMB: negotiate, password guessing, share enumeration (139).</summary>
    NetbiosSession,

    /// <summary>SMB over TCP without NetBIOS session request (445).</summary>
    SmbDirect,

    /// <summary>HTTP worm requests (80, and web proxies).</summary>
    Http,

    /// <summary>Anonymous FTP login and a write test (21).</summary>
    Ftp,

    /// <summary>DCE/RPC bind and a large request (135).</summary>
    DceRpc,

    /// <summary>The server speaks first (SSH, SMTP): the attacker reads the banner and answers once.</summary>
    Banner,

    /// <summary>A short probe payload, then close.</summary>
    Probe,
}

/// <summary>One destination TCP port attackers ask for, with how popular it is among scanning sources.</summary>
public readonly record struct PortEntry(int Port, double Weight, ServiceDialog Dialog);

/// <summary>
/// The destination ports of the simulated attacks. §5.4: 164 distinct ports in 4 months, 445 and 80 requested
/// by the most sources (Figure 5), 139 carrying over half of the packets (Figure 4), stable month to month. The
/// head weights below are each port's share of scanning sources' port picks; the tail ports (trojans, proxies,
/// rare services) share a small weight evenly and complete the 164 distinct ports together with the UDP ports.
/// </summary>
public sealed class PortCatalogue
{
    /// <summary>§5.4: distinct destination ports observed.</summary>
    public const int DistinctPorts = 164;

    /// <summary>UDP destination ports the model uses: NetBIOS name service, SQL Slammer, Messenger spam.</summary>
    public static readonly int[] UdpPorts = [137, 1434, 1026, 1027];

    /// <summary>Popular TCP ports with their weight among scanners' port picks (sum about 1).</summary>
    public static readonly PortEntry[] Head =
    [
        new(445, 0.300, ServiceDialog.SmbDirect),
        new(80, 0.250, ServiceDialog.Http),
        new(139, 0.100, ServiceDialog.NetbiosSession),
        new(135, 0.060, ServiceDialog.DceRpc),
        new(1433, 0.045, ServiceDialog.Probe),
        new(21, 0.040, ServiceDialog.Ftp),
        new(4899, 0.020, ServiceDialog.Probe),
        new(3389, 0.015, ServiceDialog.Probe),
        new(22, 0.015, ServiceDialog.Banner),
        new(1080, 0.012, ServiceDialog.Probe),
        new(3128, 0.012, ServiceDialog.Http),
        new(8080, 0.012, ServiceDialog.Http),
        new(25, 0.010, ServiceDialog.Banner),
        new(443, 0.010, ServiceDialog.Probe),
        new(6129, 0.008, ServiceDialog.Probe),
        new(111, 0.006, ServiceDialog.Probe),
        new(23, 0.006, ServiceDialog.Probe),
        new(27374, 0.005, ServiceDialog.Probe),
        new(12345, 0.004, ServiceDialog.Probe),
        new(1025, 0.004, ServiceDialog.Probe),
    ];

    /// <summary>Weight shared by all tail ports together.</summary>
    public const double TailWeight = 0.07;

    // Ports seen in 2003 honeypot logs beyond the popular ones: trojans, proxies, P2P, databases, remote control.
    private static readonly int[] TailCandidates =
    [
        7, 9, 13, 17, 19, 42, 53, 57, 69, 79, 81, 88, 98, 106, 110, 113, 119, 143, 199, 254, 255, 256, 311, 389, 407,
        420, 427, 465, 497, 513, 514, 515, 524, 540, 548, 554, 555, 587, 593, 617, 631, 636, 666, 667, 707, 808, 873,
        901, 993, 995, 999, 1000, 1001, 1002, 1011, 1012, 1024, 1029, 1050, 1243, 1337, 1352, 1412, 1500, 1521, 1524,
        1600, 1723, 1755, 1863, 1981, 1999, 2000, 2001, 2049, 2100, 2115, 2140, 2283, 2301, 2381, 2525, 2555, 2565,
        2583, 2766, 2773, 3000, 3024, 3050, 3067, 3150, 3306, 3333, 3410, 3700, 3791, 4000, 4092, 4242, 4321, 4444,
        4567, 4590, 4661, 4662, 5000, 5001, 5190, 5321, 5400, 5401, 5402, 5432, 5500, 5555, 5631, 5632, 5800, 5900,
        6000, 6346, 6400, 6667, 6669, 6670, 6711, 6776, 6881, 6969, 6970, 7000, 7001, 7300, 7301, 7306, 7307, 7308,
        7597, 7789, 8000, 8001, 8008, 8081, 8787, 8888, 9000, 9400, 9872, 9989, 10000, 10008, 10067,
    ];

    public PortCatalogue()
    {
        var used = new HashSet<int>(Head.Select(h => h.Port));
        foreach (var u in UdpPorts) used.Add(u);
        var tailCount = DistinctPorts - used.Count;
        var tail = TailCandidates.Where(p => !used.Contains(p)).Take(tailCount).ToArray();
        if (tail.Length != tailCount) throw new InvalidOperationException("port catalogue: not enough tail candidates for 164 ports");
        Tail = tail;
        Entries = [.. Head, .. tail.Select(p => new PortEntry(p, TailWeight / tail.Length, ServiceDialog.Probe))];
        Cumulative = new double[Entries.Length];
        var sum = 0.0;
        for (var i = 0; i < Entries.Length; i++) { sum += Entries[i].Weight; Cumulative[i] = sum; }
    }

    /// <summary>Head then tail ports.</summary>
    public PortEntry[] Entries { get; }

    /// <summary>Rarely requested ports; also the destination ports of backscatter (see docs/simulator.md).</summary>
    public int[] Tail { get; }

    private double[] Cumulative { get; }

    public ServiceDialog DialogOf(int port)
    {
        foreach (var e in Head) if (e.Port == port) return e.Dialog;
        return ServiceDialog.Probe;
    }

    /// <summary>
    /// Whether a scanner keeps connecting to this port after a reset: true for the tools behind the probe and banner
    /// ports (password brute-forcers and proxy checkers open a connection per attempt), false for the worms' ports
    /// (SMB, HTTP, RPC, FTP), which move on to the next address.
    /// </summary>
    public bool RetriesWhenRefused(int port) => DialogOf(port) is ServiceDialog.Probe or ServiceDialog.Banner;

    public double WeightOf(int port)
    {
        foreach (var e in Entries) if (e.Port == port) return e.Weight;
        return TailWeight / Tail.Length;
    }

    /// <summary>Picks <paramref name="count"/> distinct ports by weight, in ascending port order (how scanners walk their list).</summary>
    public int[] PickDistinct(int count, SimRandom rng)
    {
        var picked = new List<int>(count);
        var guard = 0;
        while (picked.Count < count && guard++ < 1000)
        {
            var p = Entries[rng.PickCumulative(Cumulative)].Port;
            if (!picked.Contains(p)) picked.Add(p);
        }
        picked.Sort();
        return [.. picked];
    }
}
