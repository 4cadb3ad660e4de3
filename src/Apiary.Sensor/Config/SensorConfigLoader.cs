using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Apiary.Sensor.Personalities;

namespace Apiary.Sensor.Config;

/// <summary>Strict loader of the sensor's TOML configuration: every error names file:line and the offending token.</summary>
public static class SensorConfigLoader
{
    /// <summary>Services a TCP port can run.</summary>
    public static readonly string[] TcpServices = ["ftp", "http", "telnet", "ssh", "echo", "netbios-ssn", "smb"];

    /// <summary>Services a UDP port can run.</summary>
    public static readonly string[] UdpServices = ["echo", "netbios-ns"];

    public static SensorConfig Load(string path)
    {
        if (!File.Exists(path)) throw new ConfigException($"{path}: file not found");
        return Parse(File.ReadAllText(path), path);
    }

    public static SensorConfig Parse(string text, string file)
    {
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        string Resolve(string p) => Path.GetFullPath(Path.Combine(baseDir, p));

        var root = new TableReader(TomlTree.Parse(text, file));
        var sensorNode = root.Raw("sensor") ?? throw new ConfigException($"{file}:1: missing [sensor] table");
        var limitsNode = root.Raw("limits");
        var hostsNode = root.Raw("host");
        root.EnsureAllUsed();

        var s = new TableReader(sensorNode);
        var iface = s.RequiredString("interface");
        var mode = s.Choice("mode", "active", "active", "passive");
        var captureDir = Resolve(s.RequiredString("capture_dir"));
        var rotate = s.Integer("rotate_max_bytes", 100L << 20, 1L << 16, 1L << 40);
        var budget = s.Integer("disk_budget_bytes", 10L << 30, 1L << 20, 1L << 50);
        var policy = s.Choice("disk_full_policy", "stop_capture", "stop_capture", "delete_collected", "delete_oldest") switch
        {
            "stop_capture" => DiskFullPolicy.StopCapture,
            "delete_collected" => DiskFullPolicy.DeleteCollected,
            _ => DiskFullPolicy.DeleteOldest,
        };
        var serviceLog = s.String("service_log");
        var persFile = s.String("personalities");
        s.EnsureAllUsed();
        if (budget < rotate * 2)
            throw sensorNode.Error($"disk_budget_bytes ({budget}) must hold at least two capture files of rotate_max_bytes ({rotate})");

        IReadOnlyDictionary<string, Personality> personalities;
        try { personalities = persFile == null ? PersonalityFile.LoadBuiltIn() : PersonalityFile.Load(Resolve(persFile)); }
        catch (IOException e) { throw sensorNode.Error($"cannot read personalities file: {e.Message}"); }

        var l = limitsNode == null ? null : new TableReader(limitsNode);
        // Defaults: a few thousand connections is far above what a three-host honeynet sees; half-open is bounded
        // separately so a SYN flood evicts old half-open entries instead of established sessions.
        var maxConn = (int)(l?.Integer("max_connections", 4096, 16, 1_000_000) ?? 4096);
        var maxHalf = (int)(l?.Integer("max_half_open", 1024, 8, 1_000_000) ?? 1024);
        var idle = (int)(l?.Integer("idle_timeout_seconds", 120, 1, 86_400) ?? 120);
        var egress = (int)(l?.Integer("egress_packets_per_second", 5000, 10, 10_000_000) ?? 5000);
        var egressRemote = (int)(l?.Integer("egress_packets_per_second_per_remote", 1000, 1, 10_000_000) ?? 1000);
        var remotes = (int)(l?.Integer("max_tracked_remotes", 65536, 16, 10_000_000) ?? 65536);
        // FTP active mode makes the sensor open a data connection, the one exception to "never initiates": so it is
        // opt-in. "refuse" (default) answers PORT/EPRT with 500 (PASV only); "client_only" allows it back to the
        // control connection's own address on an unprivileged port only.
        var ftpMode = l?.Choice("ftp_port_mode", "refuse", "client_only", "refuse") ?? "refuse";
        l?.EnsureAllUsed();
        if (maxHalf > maxConn) throw limitsNode!.Error($"max_half_open ({maxHalf}) exceeds max_connections ({maxConn})");

        var hosts = new List<VirtualHostConfig>();
        if (hostsNode != null)
        {
            if (hostsNode.Array == null) throw hostsNode.Error("expected [[host]] tables");
            foreach (var h in hostsNode.Array) hosts.Add(ParseHost(new TableReader(h), personalities, Resolve));
        }
        if (mode == "active" && hosts.Count == 0) throw new ConfigException($"{file}:1: an active sensor needs at least one [[host]]");
        CheckUnique(hosts, x => x.Name, "name");
        CheckUnique(hosts, x => x.Address.ToString(), "address");
        CheckUnique(hosts, x => Convert.ToHexString(x.Mac), "mac");

        return new SensorConfig
        {
            SourceFile = file,
            Interface = iface,
            Passive = mode == "passive",
            CaptureDir = captureDir,
            RotateMaxBytes = rotate,
            DiskBudgetBytes = budget,
            DiskFullPolicy = policy,
            ServiceLogPath = serviceLog == null ? Path.Combine(captureDir, "services.jsonl") : Resolve(serviceLog),
            MaxConnections = maxConn,
            MaxHalfOpen = maxHalf,
            IdleTimeoutSeconds = idle,
            EgressPacketsPerSecond = egress,
            EgressPacketsPerSecondPerRemote = egressRemote,
            MaxTrackedRemotes = remotes,
            FtpAllowPort = ftpMode == "client_only",
            Hosts = hosts,
        };
    }

    private static void CheckUnique(List<VirtualHostConfig> hosts, Func<VirtualHostConfig, string> key, string what)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in hosts)
            if (!seen.Add(key(h))) throw new ConfigException($"host '{h.Name}': duplicate {what} '{key(h)}'");
    }

    private static VirtualHostConfig ParseHost(TableReader t, IReadOnlyDictionary<string, Personality> personalities, Func<string, string> resolve)
    {
        var name = t.RequiredString("name");
        var addrNode = t.Node.Table!.GetValueOrDefault("address");
        var addrText = t.RequiredString("address");
        // Dotted quad only: IPAddress.TryParse would also accept "192.0.2" (as 192.0.0.2), a likely typo.
        if (addrText.Count(ch => ch == '.') != 3 || !IPAddress.TryParse(addrText, out var addr) || addr.AddressFamily != AddressFamily.InterNetwork)
            throw addrNode!.Error($"'{addrText}' is not an IPv4 address");
        IPAddress? addr6 = null;
        var a6Node = t.Node.Table!.GetValueOrDefault("address6");
        var a6 = t.String("address6");
        if (a6 != null && (!IPAddress.TryParse(a6, out addr6) || addr6.AddressFamily != AddressFamily.InterNetworkV6))
            throw a6Node!.Error($"'{a6}' is not an IPv6 address");
        var macNode = t.Node.Table!.GetValueOrDefault("mac");
        var macText = t.String("mac");
        byte[] mac;
        if (macText == null)
        {
            // Locally administered unicast address derived from the IPv4 address: stable across restarts.
            var b = addr.GetAddressBytes();
            mac = [0x02, 0x00, b[0], b[1], b[2], b[3]];
        }
        else
        {
            var parts = macText.Split(':');
            if (parts.Length != 6 || parts.Any(p => p.Length != 2 || !byte.TryParse(p, NumberStyles.HexNumber, null, out _)))
                throw macNode!.Error($"'{macText}' is not a MAC address (aa:bb:cc:dd:ee:ff)");
            mac = parts.Select(p => byte.Parse(p, NumberStyles.HexNumber, null)).ToArray();
            if ((mac[0] & 1) != 0) throw macNode!.Error($"'{macText}' is a multicast MAC address");
        }
        var persNode = t.Node.Table!.GetValueOrDefault("personality");
        var persName = t.RequiredString("personality");
        if (!personalities.TryGetValue(persName, out var pers))
            throw persNode!.Error($"unknown personality '{persName}' (known: {string.Join(", ", personalities.Keys)})");
        var tcp = Ports(t.Raw("tcp"), TcpServices);
        var udp = Ports(t.Raw("udp"), UdpServices);
        var defTcp = Action(t.Raw("default_tcp"), "closed", []);
        var defUdp = Action(t.Raw("default_udp"), "closed", []);
        var ftpRootNode = t.Node.Table!.GetValueOrDefault("ftp_root");
        var ftpRoot = t.String("ftp_root") is { } fr ? resolve(fr) : null;
        var httpRootNode = t.Node.Table!.GetValueOrDefault("http_root");
        var httpRoot = t.String("http_root") is { } hr ? resolve(hr) : null;
        var nb = t.String("netbios_name", name.ToUpperInvariant())!;
        t.EnsureAllUsed();
        if (ftpRoot != null && !Directory.Exists(ftpRoot)) throw ftpRootNode!.Error($"folder not found: {ftpRoot}");
        if (httpRoot != null && !Directory.Exists(httpRoot)) throw httpRootNode!.Error($"folder not found: {httpRoot}");
        if (nb.Length > 15) throw t.Node.Error($"netbios_name '{nb}' is longer than 15 characters");
        return new VirtualHostConfig
        {
            Name = name, Address = addr, Address6 = addr6, Mac = mac, Personality = pers,
            Tcp = tcp, Udp = udp, DefaultTcp = defTcp, DefaultUdp = defUdp,
            FtpRoot = ftpRoot, HttpRoot = httpRoot, NetbiosName = nb.ToUpperInvariant(),
        };
    }

    private static Dictionary<int, PortAction> Ports(TomlNode? node, string[] services)
    {
        var result = new Dictionary<int, PortAction>();
        if (node == null) return result;
        if (node.Table == null) throw node.Error("expected a table of port = \"action\" (e.g. { 21 = \"ftp\", 25 = \"closed\" })");
        foreach (var (k, v) in node.Table)
        {
            if (!int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port < 1 || port > 65535)
                throw new ConfigException($"{v.Where}: {node.Path}: '{k}' is not a port number (1-65535)");
            result[port] = Action(v, null, services);
        }
        return result;
    }

    private static PortAction Action(TomlNode? node, string? fallback, string[] services)
    {
        var s = node == null ? fallback! : node.Scalar as string ?? throw node.Error("expected a string action");
        switch (s)
        {
            case "open": return PortAction.Open;
            case "closed": return PortAction.Closed;
            case "filtered": return PortAction.Filtered;
        }
        if (services.Contains(s, StringComparer.Ordinal)) return new PortAction(PortKind.Service, s);
        var allowed = string.Join(", ", new[] { "open", "closed", "filtered" }.Concat(services));
        throw node!.Error($"unknown action '{s}' (one of: {allowed})");
    }
}
