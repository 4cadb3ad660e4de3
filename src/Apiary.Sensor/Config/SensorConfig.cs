using System.Net;
using Apiary.Sensor.Personalities;

namespace Apiary.Sensor.Config;

/// <summary>What a virtual host does with traffic to one port.</summary>
public enum PortKind
{
    /// <summary>Accepts the handshake (TCP) or stays silent like an open UDP port; no data is answered.</summary>
    Open,
    /// <summary>Answered as the personality answers a closed port (RST / ICMP port unreachable).</summary>
    Closed,
    /// <summary>Silence.</summary>
    Filtered,
    /// <summary>An emulated service (see <see cref="PortAction.Service"/>).</summary>
    Service,
}

/// <summary>The action for one port: a kind and, for services, the service name.</summary>
public sealed record PortAction(PortKind Kind, string? Service = null)
{
    public static readonly PortAction Open = new(PortKind.Open);
    public static readonly PortAction Closed = new(PortKind.Closed);
    public static readonly PortAction Filtered = new(PortKind.Filtered);

    public override string ToString() => Kind == PortKind.Service ? Service! : Kind.ToString().ToLowerInvariant();
}

/// <summary>One virtual host of the honeynet.</summary>
public sealed record VirtualHostConfig
{
    public required string Name { get; init; }
    public required IPAddress Address { get; init; }
    public IPAddress? Address6 { get; init; }
    public required byte[] Mac { get; init; }
    public required Personality Personality { get; init; }
    public required IReadOnlyDictionary<int, PortAction> Tcp { get; init; }
    public required IReadOnlyDictionary<int, PortAction> Udp { get; init; }
    public required PortAction DefaultTcp { get; init; }
    public required PortAction DefaultUdp { get; init; }
    /// <summary>Folder with the fake FTP tree (files are read at start-up, small ones only).</summary>
    public string? FtpRoot { get; init; }
    /// <summary>Folder with the static web site.</summary>
    public string? HttpRoot { get; init; }
    public required string NetbiosName { get; init; }

    public PortAction TcpAction(int port) => Tcp.TryGetValue(port, out var a) ? a : DefaultTcp;

    public PortAction UdpAction(int port) => Udp.TryGetValue(port, out var a) ? a : DefaultUdp;
}

/// <summary>What to do when the capture folder reaches its disk budget.</summary>
public enum DiskFullPolicy
{
    /// <summary>Stop writing captures (the sensor keeps answering); nothing collected is lost.</summary>
    StopCapture,
    /// <summary>Delete the oldest files already marked collected; stop capturing if none is left to delete.</summary>
    DeleteCollected,
    /// <summary>Delete the oldest closed files even if not collected (loses data: only for unattended labs).</summary>
    DeleteOldest,
}

/// <summary>The whole sensor configuration (see examples/sensor-paper.toml and docs/operations.md).</summary>
public sealed record SensorConfig
{
    public required string SourceFile { get; init; }
    public required string Interface { get; init; }
    /// <summary>True: capture only, never answer (the paper's first, passive environment).</summary>
    public required bool Passive { get; init; }
    public required string CaptureDir { get; init; }
    public required long RotateMaxBytes { get; init; }
    public required long DiskBudgetBytes { get; init; }
    public required DiskFullPolicy DiskFullPolicy { get; init; }
    public required string ServiceLogPath { get; init; }
    public required int MaxConnections { get; init; }
    public required int MaxHalfOpen { get; init; }
    public required int IdleTimeoutSeconds { get; init; }
    public required int EgressPacketsPerSecond { get; init; }
    public required int EgressPacketsPerSecondPerRemote { get; init; }
    public required int MaxTrackedRemotes { get; init; }
    /// <summary>Accept FTP PORT (the sensor then opens one outbound data connection to the client's address only).</summary>
    public required bool FtpAllowPort { get; init; }
    public required IReadOnlyList<VirtualHostConfig> Hosts { get; init; }
}
