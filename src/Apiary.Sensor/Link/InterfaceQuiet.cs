namespace Apiary.Sensor.Link;

/// <summary>
/// Keeps the kernel silent on the honeynet interface. With no IPv4 address the kernel sends no ARP, but IPv6 gives
/// every interface a link-local address and the kernel then sends duplicate-address probes, router solicitations
/// and MLD reports from the sensor's own MAC: visible to attackers. Setting <c>disable_ipv6</c> on that interface
/// stops it; the sensor's raw socket still receives every IPv6 frame and answers for the virtual IPv6 hosts itself.
/// </summary>
public static class InterfaceQuiet
{
    /// <summary>Disables kernel IPv6 on <paramref name="iface"/> (needs root: the sysctl file is root's); returns a summary line.</summary>
    public static string DisableKernelIpv6(string iface)
    {
        if (iface.Contains('/') || iface.StartsWith('.')) return $"  kernel IPv6: not touched ('{iface}' is not a plain interface name)";
        var path = $"/proc/sys/net/ipv6/conf/{iface}/disable_ipv6";
        if (!File.Exists(path)) return "  kernel IPv6: absent on this interface (nothing to silence)";
        try
        {
            if (File.ReadAllText(path).Trim() == "1") return $"  kernel IPv6: already disabled on {iface}";
            File.WriteAllText(path, "1");
            return $"  kernel IPv6: disabled on {iface} (the kernel sends no router solicitation, MLD or DAD from it)";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"  WARNING: could not disable kernel IPv6 on {iface} ({e.Message}); the kernel may send router solicitations " +
                   $"and MLD reports from the interface: set net.ipv6.conf.{iface}.disable_ipv6=1";
        }
    }
}
