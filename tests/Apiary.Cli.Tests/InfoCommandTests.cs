using Apiary.Cli.Commands;
using Apiary.TestSupport;
using Xunit;

namespace Apiary.Cli.Tests;

/// <summary>`apiary info` against real captures, with capinfos as the judge for the facts both report.</summary>
public sealed class InfoCommandTests
{
    [Theory]
    [InlineData("ncsa_445_scan.pcap")]
    [InlineData("cs_synscan.pcapng")]
    [InlineData("lab/lab_f_ipv4_ether.pcap.gz")]
    [InlineData("lab/lab_c_ether_nsec.pcap")]
    public void Info_agrees_with_capinfos(string name)
    {
        if (!SharedData.RequireShared() || !ExternalTool.Require("capinfos")) return;
        var path = SharedData.Capture(name);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(0, InfoCommand.Run(path, stdout, stderr));
        Assert.Equal("", stderr.ToString());
        var ours = Fields(stdout.ToString());

        // capinfos -M: exact numbers; -c packets, -d data size, -a/-e first/last time (TZ=UTC: capinfos prints local time).
        var capinfos = ExternalTool.Run("env", ["TZ=UTC", "capinfos", "-M", "-c", "-d", "-a", "-e", "-T", "-r", path], TimeSpan.FromMinutes(1),
            stdin: null);
        Assert.Equal(0, capinfos.ExitCode);
        var cols = capinfos.StdOut.Trim().Split('\t');
        Assert.Equal(cols[1], ours["Number of packets"]);
        Assert.StartsWith(cols[2] + " bytes captured", ours["Data size"], StringComparison.Ordinal);
        Assert.StartsWith(cols[3].Replace(',', '.'), ours["First packet time"], StringComparison.Ordinal);
        Assert.StartsWith(cols[4].Replace(',', '.'), ours["Last packet time"], StringComparison.Ordinal);
        Assert.Equal("no", ours["Truncated"]);
    }

    [Fact]
    public void Not_a_capture_exits_non_zero_with_file_offset_and_problem()
    {
        var path = Path.Combine(Path.GetTempPath(), $"apiary-info-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "<html>hello</html>");
        try
        {
            var stderr = new StringWriter();
            Assert.Equal(2, InfoCommand.Run(path, new StringWriter(), stderr));
            Assert.Equal($"error: {path}: offset 0: not a capture file (magic 0x3c68746d is neither pcap, pcapng nor gzip)", stderr.ToString().Trim());
            Assert.Equal(2, InfoCommand.Run(path + ".missing", new StringWriter(), stderr));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Truncated_capture_is_reported()
    {
        if (!SharedData.RequireShared()) return;
        var bytes = File.ReadAllBytes(SharedData.Capture("ppa_blaster.pcap"));
        var path = Path.Combine(Path.GetTempPath(), $"apiary-info-{Guid.NewGuid():N}.pcap");
        File.WriteAllBytes(path, bytes[..(bytes.Length - 5)]);
        try
        {
            var stdout = new StringWriter();
            Assert.Equal(0, InfoCommand.Run(path, stdout, new StringWriter()));
            var fields = Fields(stdout.ToString());
            Assert.Equal("17", fields["Number of packets"]);
            Assert.StartsWith("yes", fields["Truncated"], StringComparison.Ordinal);
            Assert.Contains("  capture_truncated: 1", stdout.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static Dictionary<string, string> Fields(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith(' ') && l.Contains(':', StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf(':', StringComparison.Ordinal)], l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
}
