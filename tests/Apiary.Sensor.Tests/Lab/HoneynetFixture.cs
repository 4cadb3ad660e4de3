namespace Apiary.Sensor.Tests.Lab;

/// <summary>One lab and one running sensor shared by the honeynet tests: the paper's three hosts plus one host per remaining personality.</summary>
public sealed class HoneynetFixture : IDisposable
{
    /// <summary>Hosts added to the paper example so that every personality is judged.</summary>
    public const string ExtraHosts = """
        [[host]]
        name = "xp"
        address = "192.0.2.13"
        personality = "windows-2000-xp"
        tcp = { 80 = "http", 139 = "netbios-ssn", 445 = "smb" }

        [[host]]
        name = "win10"
        address = "192.0.2.14"
        personality = "windows-10"
        tcp = { 80 = "http", 445 = "smb", 3389 = "open", 25 = "filtered" }
        udp = { 161 = "filtered", 500 = "open" }

        [[host]]
        name = "linux5"
        address = "192.0.2.15"
        address6 = "2001:db8::15"
        personality = "linux-5"
        tcp = { 21 = "ftp", 22 = "ssh", 80 = "http", 7 = "echo" }
        udp = { 7 = "echo" }
        http_root = "sensor-paper/www"
        ftp_root = "sensor-paper/ftp"

        [[host]]
        name = "freebsd"
        address = "192.0.2.16"
        personality = "freebsd"
        tcp = { 22 = "ssh", 80 = "http" }
        """;

    /// <summary>host address -> UDP ports (of 7, 137, 161, 500) that answer (open) or are silent (open or filtered); the rest are closed.</summary>
    public static readonly Dictionary<string, (int[] Open, int[] Silent)> Udp = new()
    {
        ["192.0.2.10"] = ([137], []),
        ["192.0.2.11"] = ([137], []),
        ["192.0.2.12"] = ([], []),
        ["192.0.2.13"] = ([], []),
        ["192.0.2.14"] = ([], [161, 500]),
        ["192.0.2.15"] = ([7], []),
        ["192.0.2.16"] = ([], []),
    };

    /// <summary>host address -> (personality, open TCP ports, filtered TCP ports).</summary>
    public static readonly Dictionary<string, (string Personality, int[] Open, int[] Filtered)> Hosts = new()
    {
        ["192.0.2.10"] = ("windows-98", [139, 445], []),
        ["192.0.2.11"] = ("windows-nt4", [21, 80, 135, 139, 445], []),
        ["192.0.2.12"] = ("linux-2.4", [21, 22, 23, 111], []),
        ["192.0.2.13"] = ("windows-2000-xp", [80, 139, 445], []),
        ["192.0.2.14"] = ("windows-10", [80, 445, 3389], [25]),
        ["192.0.2.15"] = ("linux-5", [7, 21, 22, 80], []),
        ["192.0.2.16"] = ("freebsd", [22, 80], []),
    };

    public SensorLab? Lab { get; }
    public string? SkipReason { get; }

    public HoneynetFixture()
    {
        if (!SensorLab.Available(out var why)) { SkipReason = why; return; }
        Lab = new SensorLab("h");
        try
        {
            Lab.StartSensor(Lab.PaperConfig(extraHosts: ExtraHosts.Replace("\"sensor-paper/", $"\"{Path.Combine(Apiary.TestSupport.SharedData.RepoRoot, "examples")}/sensor-paper/", StringComparison.Ordinal)));
        }
        catch
        {
            Lab.Dispose();
            throw;
        }
    }

    public void Dispose() => Lab?.Dispose();
}
