using Apiary.Core;

namespace Apiary.Testbed;

/// <summary>
/// The testbed inventory: which platforms (sensor sites) exist, which targets (honeypots) each has,
/// which ports were open on each target and when, and when each platform was capturing. Analyses need
/// it to tell open from closed ports and downtime from quiet (docs/analyses.md).
/// </summary>
public sealed record TestbedInventory(string File, IReadOnlyList<Platform> Platforms)
{
    public Platform? FindPlatform(string name) => Platforms.FirstOrDefault(p => p.Name == name);

    /// <summary>The target that owns an address on a platform, or null.</summary>
    public Target? FindTarget(string platform, IpAddress128 address) =>
        FindPlatform(platform)?.Targets.FirstOrDefault(t => t.Address == address);
}

/// <summary>One sensor site.</summary>
/// <param name="Name">Matches the --sensor name given at ingest (capture_files.sensor).</param>
/// <param name="TimeZone">IANA time zone id, for hour-of-day analyses in local time.</param>
/// <param name="CapturePeriods">When the sensor was recording; empty means "always".</param>
public sealed record Platform(string Name, string Site, string TimeZone, IReadOnlyList<TimePeriod> CapturePeriods, IReadOnlyList<Target> Targets)
{
    public TimeZoneInfo TimeZoneInfo => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public bool IsCapturing(DateTime utc) => CapturePeriods.Count == 0 || CapturePeriods.Any(p => p.Contains(utc));
}

/// <summary>One honeypot of a platform.</summary>
public sealed record Target(string Name, IpAddress128 Address, string Os, IReadOnlyList<PortPeriod> Ports)
{
    /// <summary>Whether <paramref name="port"/> of <paramref name="protocol"/> (6 TCP, 17 UDP) was open at <paramref name="utc"/>.</summary>
    public bool IsOpen(int protocol, int port, DateTime utc)
    {
        foreach (var p in Ports)
        {
            if (!p.Period.Contains(utc)) continue;
            if (protocol == IpProtocols.Tcp && p.Tcp.Contains(port)) return true;
            if (protocol == IpProtocols.Udp && p.Udp.Contains(port)) return true;
        }
        return false;
    }
}

/// <summary>Ports open during a period. A port open during several periods is listed in each.</summary>
public sealed record PortPeriod(TimePeriod Period, IReadOnlySet<int> Tcp, IReadOnlySet<int> Udp);

/// <summary>A half-open UTC interval [From, To); null bounds are open-ended.</summary>
public sealed record TimePeriod(DateTime? From, DateTime? To)
{
    public static TimePeriod Always { get; } = new(null, null);

    public bool Contains(DateTime utc) => (From is null || utc >= From) && (To is null || utc < To);
}
