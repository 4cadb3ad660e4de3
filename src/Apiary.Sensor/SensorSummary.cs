using System.Text;
using Apiary.Sensor.Config;

namespace Apiary.Sensor;

/// <summary>The Honeyd-style start-up summary: each host, its personality and its ports.</summary>
public static class SensorSummary
{
    public static string Format(SensorConfig c)
    {
        var sb = new StringBuilder();
        sb.Append($"apiary sensor: interface {c.Interface}, {(c.Passive ? "PASSIVE (capture only, never answers)" : "active")}, ")
          .Append($"{c.Hosts.Count} virtual host(s), capture -> {c.CaptureDir}\n");
        sb.Append($"  limits: {c.MaxConnections} connections ({c.MaxHalfOpen} half-open), idle {c.IdleTimeoutSeconds}s, ")
          .Append($"egress {c.EgressPacketsPerSecond} pkt/s overall, {c.EgressPacketsPerSecondPerRemote} pkt/s per remote; ")
          .Append($"rotate {c.RotateMaxBytes} B or daily, disk budget {c.DiskBudgetBytes} B ({c.DiskFullPolicy}); FTP PORT {(c.FtpAllowPort ? "to the client only" : "refused")}\n");
        foreach (var h in c.Hosts)
        {
            sb.Append($"  host {h.Name,-12} {h.Address,-15} {(h.Address6 != null ? h.Address6 + " " : "")}mac {string.Join(':', h.Mac.Select(b => b.ToString("x2")))}\n");
            sb.Append($"       personality {h.Personality.Name} ({h.Personality.Description})\n");
            sb.Append($"       tcp: {Ports(h.Tcp)}default {h.DefaultTcp}\n");
            sb.Append($"       udp: {Ports(h.Udp)}default {h.DefaultUdp}\n");
        }
        return sb.ToString();
    }

    private static string Ports(IReadOnlyDictionary<int, PortAction> ports) =>
        string.Concat(ports.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}, "));
}
