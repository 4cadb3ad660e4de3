using System.Reflection;
using Apiary.Sensor.Config;

namespace Apiary.Sensor.Personalities;

/// <summary>Loads the personality data file (TOML). Strict: unknown keys, bad values and duplicates fail with file:line.</summary>
public static class PersonalityFile
{
    /// <summary>Name under which the built-in file is reported in messages.</summary>
    public const string BuiltInName = "personalities.toml (built in)";

    public static string BuiltInText()
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream("Apiary.Sensor.Personalities.personalities.toml")
            ?? throw new InvalidOperationException("built-in personality file missing from the assembly");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }

    public static IReadOnlyDictionary<string, Personality> LoadBuiltIn() => Parse(BuiltInText(), BuiltInName);

    public static IReadOnlyDictionary<string, Personality> Load(string path) => Parse(File.ReadAllText(path), path);

    public static IReadOnlyDictionary<string, Personality> Parse(string text, string file)
    {
        var root = new TableReader(TomlTree.Parse(text, file));
        var list = root.Raw("personality") ?? throw new ConfigException($"{file}:1: no [[personality]] entries");
        if (list.Array == null) throw list.Error("expected [[personality]] tables");
        root.EnsureAllUsed();
        var result = new Dictionary<string, Personality>(StringComparer.Ordinal);
        foreach (var node in list.Array)
        {
            var p = ParseOne(new TableReader(node));
            if (result.ContainsKey(p.Name)) throw node.Error($"duplicate personality '{p.Name}'");
            result[p.Name] = p;
        }
        return result;
    }

    private static IpIdMode IpId(TableReader t, string key, string fallback) =>
        t.Choice(key, fallback, "zero", "incremental", "broken_incremental", "random") switch
        {
            "zero" => IpIdMode.Zero,
            "incremental" => IpIdMode.Incremental,
            "broken_incremental" => IpIdMode.BrokenIncremental,
            _ => IpIdMode.Random,
        };

    private static OddReply Odd(TableReader t, string key, string fallback, bool allowSynAck = false)
    {
        var allowed = allowSynAck ? new[] { "none", "reset", "synack" } : new[] { "none", "reset" };
        return t.Choice(key, fallback, allowed) switch { "none" => OddReply.None, "reset" => OddReply.Reset, _ => OddReply.SynAck };
    }

    private static Personality ParseOne(TableReader t)
    {
        var layoutNode = t.Node.Table!.GetValueOrDefault("options");
        var layout = t.Strings("options");
        foreach (var group in layout)
            foreach (var alt in group.Split('|'))
                foreach (var tok in alt.Split(',', StringSplitOptions.TrimEntries))
                    if (tok is not ("M" or "N" or "W" or "S" or "T" or "E"))
                        throw layoutNode!.Error($"bad option token '{tok}' (use M, N, W, S, T, E)");
        var p = new Personality
        {
            Name = t.RequiredString("name"),
            Family = t.Choice("family", "", "windows", "linux", "freebsd"),
            Description = t.RequiredString("description"),
            Ttl = (byte)t.Integer("ttl", 64, 1, 255),
            DontFragment = t.Boolean("df", true),
            Window = (ushort)t.Integer("window", 65535, 0, 65535),
            EstablishedWindow = (ushort)t.Integer("established_window", t.Node.Table!.TryGetValue("window", out var w) && w.Scalar is long lw ? lw : 65535, 0, 65535),
            WindowScale = (int)t.Integer("window_scale", -1, -1, 14),
            Mss = (ushort)t.Integer("mss", 1460, 64, 65535),
            OptionLayout = layout,
            BsdAlignment = t.Boolean("bsd_alignment", false),
            WindowNoTimestamps = (ushort)t.Integer("window_no_timestamps", t.Node.Table!.TryGetValue("window", out var w2) && w2.Scalar is long lw2 ? lw2 : 65535, 0, 65535),
            TimestampHz = (int)t.Integer("timestamp_hz", 0, 0, 1000),
            SackPermitted = t.Boolean("sack", false),
            Timestamps = t.Boolean("timestamps", false),
            Ecn = t.Boolean("ecn", false),
            IpIdTcp = IpId(t, "ip_id_tcp", "incremental"),
            IpIdClosed = IpId(t, "ip_id_closed", "incremental"),
            IpIdIcmp = IpId(t, "ip_id_icmp", "incremental"),
            Isn = t.Choice("isn", "random", "random", "incremental") == "random" ? IsnMode.Random : IsnMode.Incremental,
            IsnStep = (uint)t.Integer("isn_step", 64000, 1, uint.MaxValue),
            ResetDontFragment = t.Boolean("rst_df", false),
            ResetWindow = (ushort)t.Integer("rst_window", 0, 0, 65535),
            ClosedSyn = Odd(t, "closed_syn", "reset"),
            StrayToOpen = Odd(t, "stray_to_open", "none"),
            SynFinToOpen = Odd(t, "synfin_to_open", "none", allowSynAck: true),
            StrayToClosed = Odd(t, "stray_to_closed", "reset"),
            UdpClosedUnreachable = t.Boolean("udp_closed_unreachable", true),
            IcmpQuoteBytes = (int)t.Integer("icmp_quote_bytes", 8, -1, 1500),
            IcmpErrorDontFragment = t.Boolean("icmp_error_df", false),
            IcmpEchoCopiesCode = t.Boolean("icmp_echo_copies_code", false),
            IcmpEchoDontFragment = t.Boolean("icmp_echo_df", false),
            IcmpEchoCopiesDf = t.Boolean("icmp_echo_copies_df", false),
            TimestampRandomOffset = t.Boolean("timestamp_random_offset", false),
            AnswersEcho = t.Boolean("answers_echo", true),
            FtpBanner = t.String("ftp_banner", "220 FTP server ready.")!,
            FtpSyst = t.String("ftp_syst", "215 UNIX Type: L8")!,
            HttpServer = t.String("http_server", "Apache")!,
            TelnetBanner = t.String("telnet_banner", "login: ")!,
            SshBanner = t.String("ssh_banner", "SSH-2.0-OpenSSH_8.4")!,
            SmbDomain = t.String("smb_domain", "WORKGROUP")!,
        };
        if (p.Family.Length == 0) throw t.Node.Error("missing required key 'family'");
        t.EnsureAllUsed();
        return p;
    }
}
