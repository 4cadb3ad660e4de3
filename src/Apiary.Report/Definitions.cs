using System.Globalization;
using Apiary.Analysis;

namespace Apiary.Report;

/// <summary>The definitions the numbers rest on (docs/analyses.md has the full text), with this run's parameters.</summary>
public static class Definitions
{
    public static IReadOnlyList<(string Term, string Meaning)> For(AnalysisOptions o) =>
    [
        ("Platform", "One sensor site (capture_files.sensor); a target (honeypot) is one address of a platform in the testbed inventory."),
        ("Incoming packet", "With a testbed: a packet to a target's address from an address that is not a target. Without one: every IP packet (its destination is taken as the target)."),
        ("Source", string.Create(CultureInfo.InvariantCulture, $"One address on one platform, ended by a silence longer than {o.SourceGap.TotalHours:0.##} h (a large session). The same address after a longer silence is a new source (a return visit).")),
        ("Tiny session", string.Create(CultureInfo.InvariantCulture, $"One address on one target, ended by a silence longer than {o.TinySessionGap.TotalHours:0.##} h.")),
        ("Backscatter", "Packets that answer traffic the honeypot never sent: TCP SYN+ACK, RST, RST+ACK; ICMP echo reply, destination unreachable, source quench, redirect, time exceeded, parameter problem, timestamp/information/address-mask replies (types 0, 3, 4, 5, 11, 12, 14, 16, 18); ICMPv6 1-4 and 129; UDP from port 53. Evidence of a spoofed denial of service elsewhere."),
        ("Request", "An incoming TCP or UDP packet that is not backscatter."),
        ("Open port", "A (protocol, port) listed open for that target at the packet's time in the testbed inventory; every other port is closed."),
        ("Scanning source", string.Create(CultureInfo.InvariantCulture, $"A source that contacts at least {o.ScanMinTargets} targets or probes at least {o.ScanMinPorts} distinct ports on one target.")),
        ("Month", "Calendar month in UTC of the packet (or of a source's first packet for per-source counts)."),
        ("Local time", "Hour of day and weekday in the platform's time zone from the testbed (UTC without one)."),
    ];
}
