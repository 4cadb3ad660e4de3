using Apiary.Sensor.Tests.Lab;
using Apiary.TestSupport;
using Xunit;

namespace Apiary.Sensor.Tests;

/// <summary>The `apiary sensor` commands as a user meets them: clear errors, non-zero exits.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "apiary-sensor-cli-" + Guid.NewGuid().ToString("N"));

    public CliTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Config(string body)
    {
        var path = Path.Combine(_dir, "s.toml");
        File.WriteAllText(path, body);
        return path;
    }

    [Fact]
    public void Check_accepts_the_paper_example_and_prints_the_summary()
    {
        var r = ExternalTool.Run("dotnet", [SensorLab.CliDll(), "sensor", "check", "--config", Path.Combine(SharedData.RepoRoot, "examples", "sensor-paper.toml")]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("personality windows-nt4", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("tcp: 21 ftp, 80 http, 135 open, 139 netbios-ssn, 445 smb, default closed", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_config_exits_non_zero_with_file_and_line()
    {
        var cfg = Config("[sensor]\ninterface = \"lo\"\ncapture_dir = \"c\"\n\n[[host]]\nname = \"a\"\naddress = \"192.0.2.1\"\npersonality = \"linux-5\"\ntcp = { 22 = \"telnetd\" }\n");
        var r = ExternalTool.Run("dotnet", [SensorLab.CliDll(), "sensor", "run", "--config", cfg]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{cfg}:9: host[0].tcp.22: unknown action 'telnetd'", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_privileges_run_says_which_capability_is_needed()
    {
        var cfg = Config($"[sensor]\ninterface = \"lo\"\ncapture_dir = \"{_dir}/cap\"\n\n[[host]]\nname = \"a\"\naddress = \"192.0.2.1\"\npersonality = \"linux-5\"\n");
        var root = ExternalTool.Run("id", ["-u"]).StdOut.Trim() == "0";
        // As root, run it with an empty capability bounding set (setpriv, util-linux): uid 0 but no CAP_NET_RAW.
        // Otherwise the test user already lacks the capabilities.
        var r = root
            ? ExternalTool.Run("setpriv", ["--inh-caps=-all", "--bounding-set=-all",
                "dotnet", SensorLab.CliDll(), "sensor", "run", "--config", cfg], TimeSpan.FromSeconds(60))
            : ExternalTool.Run("dotnet", [SensorLab.CliDll(), "sensor", "run", "--config", cfg], TimeSpan.FromSeconds(60));
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("CAP_NET_RAW", r.StdErr, StringComparison.Ordinal);
    }
}
