using Apiary.Sensor.Config;
using Apiary.Sensor.Personalities;
using Apiary.TestSupport;
using Xunit;

namespace Apiary.Sensor.Tests;

public sealed class ConfigLoaderTests
{
    private const string Minimal = """
        [sensor]
        interface = "eth0"
        capture_dir = "/tmp/x"

        [[host]]
        name = "a"
        address = "192.0.2.1"
        personality = "linux-5"
        tcp = { 22 = "ssh", 25 = "filtered" }
        """;

    [Fact]
    public void The_paper_example_loads_with_its_three_hosts()
    {
        var c = SensorConfigLoader.Load(Path.Combine(SharedData.RepoRoot, "examples", "sensor-paper.toml"));
        Assert.Equal(["mach0", "mach1", "mach2"], c.Hosts.Select(h => h.Name));
        Assert.Equal(["windows-98", "windows-nt4", "linux-2.4"], c.Hosts.Select(h => h.Personality.Name));
        Assert.Equal("netbios-ssn", c.Hosts[0].TcpAction(139).Service);
        Assert.Equal("smb", c.Hosts[1].TcpAction(445).Service);
        Assert.Equal(PortKind.Closed, c.Hosts[2].TcpAction(445).Kind); // the paper's Linux host had 139/445 closed
        Assert.True(c.FtpAllowPort); // ftp_port_mode = "client_only": PORT back to the client itself
    }

    [Fact]
    public void Ftp_port_mode_refuses_by_default_and_can_allow_the_client_only()
    {
        Assert.False(SensorConfigLoader.Parse(Minimal, "m.toml").FtpAllowPort);
        var allowed = SensorConfigLoader.Parse(Minimal.Replace("[sensor]", "[limits]\nftp_port_mode = \"client_only\"\n\n[sensor]", StringComparison.Ordinal), "m.toml");
        Assert.True(allowed.FtpAllowPort);
        var e = Assert.Throws<ConfigException>(() => SensorConfigLoader.Parse(Minimal.Replace("[sensor]", "[limits]\nftp_port_mode = \"allow\"\n\n[sensor]", StringComparison.Ordinal), "m.toml"));
        Assert.Contains("m.toml:2", e.Message, StringComparison.Ordinal);
        Assert.Contains("allow", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Minimal_config_gets_documented_defaults()
    {
        var c = SensorConfigLoader.Parse(Minimal, "m.toml");
        Assert.Equal(4096, c.MaxConnections);
        Assert.Equal(PortKind.Filtered, c.Hosts[0].TcpAction(25).Kind);
        Assert.Equal(PortKind.Closed, c.Hosts[0].TcpAction(80).Kind);
        Assert.Equal(new byte[] { 2, 0, 192, 0, 2, 1 }, c.Hosts[0].Mac);
    }

    [Theory]
    [InlineData("interface = \"eth0\"", "interface = \"eth0\"\nintreface = 1", "m.toml:3: unknown key 'sensor.intreface'")]
    [InlineData("22 = \"ssh\"", "22 = \"sshd\"", "m.toml:9: host[0].tcp.22: unknown action 'sshd'")]
    [InlineData("22 = \"ssh\"", "70000 = \"ssh\"", "m.toml:9: host[0].tcp: '70000' is not a port number")]
    [InlineData("\"linux-5\"", "\"linux-9\"", "m.toml:8: host[0].personality: unknown personality 'linux-9'")]
    [InlineData("\"192.0.2.1\"", "\"192.0.2\"", "m.toml:7: host[0].address: '192.0.2' is not an IPv4 address")]
    [InlineData("capture_dir = \"/tmp/x\"", "capture_dir = 5", "m.toml:3: sensor.capture_dir: expected a string")]
    [InlineData("[sensor]", "[sensor\n", "m.toml:1:")]
    public void Bad_configs_fail_with_file_line_and_the_offending_token(string from, string to, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => SensorConfigLoader.Parse(Minimal.Replace(from, to, StringComparison.Ordinal), "m.toml"));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_addresses_are_rejected()
    {
        var text = Minimal + "\n[[host]]\nname = \"b\"\naddress = \"192.0.2.1\"\npersonality = \"freebsd\"\n";
        var e = Assert.Throws<ConfigException>(() => SensorConfigLoader.Parse(text, "m.toml"));
        Assert.Contains("duplicate address '192.0.2.1'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Built_in_personalities_cover_the_required_systems()
    {
        var p = PersonalityFile.LoadBuiltIn();
        foreach (var name in new[] { "windows-98", "windows-nt4", "windows-2000-xp", "windows-10", "linux-2.4", "linux-5", "freebsd" })
            Assert.True(p.ContainsKey(name), name);
        Assert.All(p.Values.Where(x => x.Family == "windows"), x => Assert.Equal(128, x.Ttl));
        Assert.All(p.Values.Where(x => x.Family != "windows"), x => Assert.Equal(64, x.Ttl));
    }

    [Fact]
    public void Personality_file_errors_name_the_line()
    {
        var text = PersonalityFile.BuiltInText().Replace("options = [\"M\"]", "options = [\"M\", \"Q\"]", StringComparison.Ordinal);
        var e = Assert.Throws<ConfigException>(() => PersonalityFile.Parse(text, "p.toml"));
        Assert.Matches(@"^p\.toml:\d+: personality\[1\]\.options: bad option token 'Q'", e.Message);
    }
}
