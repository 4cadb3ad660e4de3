using System.Diagnostics;
using System.Text;
using Apiary.TestSupport;

namespace Apiary.Sensor.Tests.Lab;

/// <summary>
/// A two-namespace lab made for one test run: the sensor's namespace (interface eth0, no address) and a client
/// namespace (192.0.2.100/24, plus 198.51.100.1/24 as the lab's own block for spoofed flood sources), joined by a veth
/// pair. Only documentation prefixes are used; everything is removed on Dispose. Runs the real CLI
/// (`apiary sensor run`) inside the sensor namespace.
/// </summary>
public sealed class SensorLab : IDisposable
{
    public const string ClientAddress = "192.0.2.100";
    public string SensorNs { get; }
    public string ClientNs { get; }
    public string Dir { get; }
    public string CaptureDir => Path.Combine(Dir, "captures");
    private Process? _sensor;
    private readonly StringBuilder _sensorOut = new();
    private readonly object _lock = new();

    /// <summary>True when the lab can run (root, ip, the CLI built); under CI=true a missing piece fails the test.</summary>
    public static bool Available(out string why)
    {
        why = "";
        var root = ExternalTool.Run("id", ["-u"]).StdOut.Trim() == "0";
        if (!root)
        {
            why = "the sensor lab needs root (network namespaces, raw sockets)";
            if (SharedData.IsCi) throw new InvalidOperationException("CI=true but not root: " + why);
            return false;
        }
        if (!ExternalTool.Require("ip")) { why = "iproute2 missing"; return false; }
        return true;
    }

    public SensorLab(string tag)
    {
        var id = $"{Environment.ProcessId % 100000}{Random.Shared.Next(100, 999)}";
        SensorNs = $"aps{tag}{id}";
        ClientNs = $"apc{tag}{id}";
        Dir = Path.Combine(Path.GetTempPath(), $"apiary-sensor-lab-{tag}-{id}");
        Directory.CreateDirectory(Dir);
        try
        {
            Ip("netns", "add", SensorNs);
            Ip("netns", "add", ClientNs);
            Ip("-n", SensorNs, "link", "set", "lo", "up");
            Ip("-n", ClientNs, "link", "set", "lo", "up");
            Ip("link", "add", "eth0", "netns", SensorNs, "type", "veth", "peer", "name", "eth0", "netns", ClientNs);
            Ip("-n", ClientNs, "addr", "add", ClientAddress + "/24", "dev", "eth0");
            Ip("-n", ClientNs, "addr", "add", "198.51.100.1/24", "dev", "eth0");
            Ip("-n", ClientNs, "-6", "addr", "add", "2001:db8::100/64", "dev", "eth0", "nodad");
            Ip("-n", SensorNs, "link", "set", "eth0", "up");
            Ip("-n", ClientNs, "link", "set", "eth0", "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private static void Ip(params string[] args)
    {
        var r = ExternalTool.Run("ip", args, TimeSpan.FromSeconds(20));
        if (r.ExitCode != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)}: {r.StdErr}");
    }

    /// <summary>The CLI built beside the tests (Release under test.sh, Debug otherwise).</summary>
    public static string CliDll()
    {
        var config = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(SharedData.RepoRoot, "src", "Apiary.Cli", "bin", config, "net10.0", "linux-x64", "apiary.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("build the CLI first (dotnet build src/Apiary.Cli)", dll);
        return dll;
    }

    /// <summary>The paper example with this lab's interface and folders, plus <paramref name="extraHosts"/>.</summary>
    public string PaperConfig(string limits = "", string extraHosts = "")
    {
        var examples = Path.Combine(SharedData.RepoRoot, "examples");
        var text = File.ReadAllText(Path.Combine(examples, "sensor-paper.toml"))
            .Replace("interface = \"eth1\"", "interface = \"eth0\"", StringComparison.Ordinal)
            .Replace("capture_dir = \"/var/lib/apiary/captures\"", $"capture_dir = \"{CaptureDir}\"", StringComparison.Ordinal)
            .Replace("\"sensor-paper/", $"\"{examples}/sensor-paper/", StringComparison.Ordinal);
        if (limits.Length > 0)
        {
            var start = text.IndexOf("[limits]", StringComparison.Ordinal);
            var end = text.IndexOf("[[host]]", start, StringComparison.Ordinal);
            text = text[..start] + "[limits]\n" + limits + "\n\n" + text[end..];
        }
        return text + "\n" + extraHosts;
    }

    /// <summary>Starts `apiary sensor run` in the sensor namespace and waits for its start-up summary.</summary>
    public void StartSensor(string configText)
    {
        var cfg = Path.Combine(Dir, "sensor.toml");
        File.WriteAllText(cfg, configText);
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", SensorNs, "dotnet", CliDll(), "sensor", "run", "--config", cfg }) psi.ArgumentList.Add(a);
        _sensor = Process.Start(psi)!;
        _sensor.OutputDataReceived += (_, e) => { lock (_lock) _sensorOut.AppendLine(e.Data); };
        _sensor.ErrorDataReceived += (_, e) => { lock (_lock) _sensorOut.AppendLine(e.Data); };
        _sensor.BeginOutputReadLine();
        _sensor.BeginErrorReadLine();
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (SensorOutput.Contains("privileges:", StringComparison.Ordinal)) return;
            if (_sensor.HasExited) break;
            Thread.Sleep(100);
        }
        throw new InvalidOperationException("sensor did not start:\n" + SensorOutput);
    }

    public string SensorOutput
    {
        get { lock (_lock) return _sensorOut.ToString(); }
    }

    public bool SensorRunning => _sensor is { HasExited: false };

    public int SensorPid => _sensor!.Id;

    /// <summary>Stops the sensor with SIGINT (it closes and lists its capture file) and waits for it.</summary>
    public void StopSensor()
    {
        if (_sensor == null) return;
        if (!_sensor.HasExited)
        {
            ExternalTool.Run("kill", ["-TERM", _sensor.Id.ToString()]);
            if (!_sensor.WaitForExit(20000)) _sensor.Kill(entireProcessTree: true);
        }
        _sensor.WaitForExit();
        _sensor = null;
    }

    /// <summary>Runs a program in the client namespace with a hard time limit.</summary>
    public ExternalTool.Result Client(string file, IEnumerable<string> args, int timeoutSeconds = 60, string? stdin = null) =>
        ExternalTool.Run("timeout", new[] { timeoutSeconds.ToString(), "ip", "netns", "exec", ClientNs, file }.Concat(args),
            TimeSpan.FromSeconds(timeoutSeconds + 10), stdin);

    /// <summary>Starts a background program in a namespace (tcpdump, hping3); the caller stops it.</summary>
    public Process Background(string ns, string file, params string[] args) => Background(ns, file, null, args);

    /// <summary>Starts a program in a namespace; its standard error lines are appended to <paramref name="stderr"/> when given.</summary>
    public Process Background(string ns, string file, System.Text.StringBuilder? stderr, params string[] args)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", ns, file }.Concat(args)) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, e) =>
        {
            if (stderr == null || e.Data == null) return;
            lock (stderr) stderr.AppendLine(e.Data);
        };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>
    /// Starts tcpdump in a namespace writing <paramref name="file"/> and waits (bounded, 15 s) until it says it is
    /// listening, so that no frame of the test falls before it. <paramref name="args"/> are the remaining options and filter.
    /// </summary>
    public Process Tcpdump(string ns, string file, params string[] args)
    {
        var stderr = new StringBuilder();
        var p = Background(ns, "tcpdump", stderr, new[] { "-i", "eth0", "-s", "0", "-U", "-w", file }.Concat(args).ToArray());
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(15))
        {
            lock (stderr) if (stderr.ToString().Contains("listening on", StringComparison.Ordinal)) return p;
            if (p.HasExited) break;
            Thread.Sleep(50);
        }
        lock (stderr) throw new InvalidOperationException("tcpdump did not start: " + stderr);
    }

    public static void Interrupt(Process p, int waitMs = 10000)
    {
        if (p.HasExited) return;
        ExternalTool.Run("kill", ["-INT", p.Id.ToString()]);
        if (!p.WaitForExit(waitMs)) p.Kill(entireProcessTree: true);
    }

    public void Dispose()
    {
        try { StopSensor(); } catch (InvalidOperationException) { }
        foreach (var ns in new[] { SensorNs, ClientNs })
        {
            var pids = ExternalTool.Run("ip", ["netns", "pids", ns]).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            foreach (var pid in pids) ExternalTool.Run("kill", ["-KILL", pid.Trim()]);
            ExternalTool.Run("ip", ["netns", "del", ns]);
        }
        if (Environment.GetEnvironmentVariable("APIARY_KEEP_LAB") == null)
        {
            try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
        }
    }
}
