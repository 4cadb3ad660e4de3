using System.Text.RegularExpressions;
using Apiary.Fingerprint;
using Apiary.TestSupport;
using Xunit;

namespace Apiary.Fingerprint.Tests;

public sealed class P0fDatabaseLoaderTests
{
    private const string Header = "classes = win,unix,other\n";

    private static FingerprintDatabaseException LoadFails(string text) =>
        Assert.Throws<FingerprintDatabaseException>(() => P0fDatabaseLoader.Parse(text, "test.fp"));

    [Fact]
    public void DebianDatabaseLoadsWithTheSameSignatureCountAsP0f()
    {
        if (!File.Exists(P0fDatabaseLoader.DefaultPath) && !ExternalTool.Require("p0f")) return;
        var db = P0fDatabase.Load(P0fDatabaseLoader.DefaultPath);
        Assert.Equal(["win", "unix", "other"], db.Classes);
        Assert.Contains(db.TcpSignatures, s => s.ToServer && s.Label.Name == "NMap" && s.Label.IsApplication);
        Assert.Contains(db.TcpSignatures, s => !s.ToServer && s.Label.Name == "Linux");
        Assert.NotEmpty(db.HttpSignatures);
        Assert.Equal("Ethernet or modem", db.MatchMtu(1500)?.Link);
        Assert.NotNull(db.Sha256);
        Assert.Matches("^/etc/p0f/p0f.fp@[0-9a-f]{12}$", db.Provenance);

        // p0f itself says how many sig lines it registered ("Loaded N signatures"): the judge for the count.
        if (!ExternalTool.Require("p0f")) return;
        var capture = SharedData.Capture("ppa_portscan.pcap");
        if (!File.Exists(capture)) return;
        var run = ExternalTool.Run("p0f", ["-f", P0fDatabaseLoader.DefaultPath, "-r", capture]);
        var m = Regex.Match(run.StdOut + run.StdErr, @"Loaded (\d+) signatures");
        Assert.True(m.Success, run.StdOut + run.StdErr);
        Assert.Equal(int.Parse(m.Groups[1].Value), db.TcpSignatures.Count + db.MtuSignatures.Count + db.HttpSignatures.Count);
    }

    [Fact]
    public void ParsesEveryTcpField()
    {
        var db = P0fDatabaseLoader.Parse(Header + """
            [tcp:request]
            label = s:unix:Linux:3.x
            sig   = *:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0
            sig   = 4:54+10:4:1460:%8192,*:mss,nop,eol+3:ecn,0+,seq-,ack+,ack-,uptr+,urgf+,pushf+,ts1-,ts2+,opt+,exws,bad:+
            label = s:!:NMap:SYN scan
            sys   = @unix,@win,Linux
            sig   = *:64-:0:1460:1024,0:mss,?30::*
            """, "t.fp");
        var a = db.TcpSignatures[0];
        Assert.Equal((-1, 64, false, -1, WindowKind.MssMultiple, 20, 7), (a.IpVersion, a.InitialTtl, a.RandomTtl, a.Mss, a.WindowKind, a.Window, a.WindowScale));
        Assert.Equal(new byte[] { 2, 4, 8, 1, 3 }, a.OptionLayout);
        Assert.Equal(P0fQuirks.Df | P0fQuirks.NonZeroId, a.Quirks);
        var b = db.TcpSignatures[1];
        Assert.Equal((4, 64, 4, WindowKind.Modulo, 8192, -1, 3, 1), (b.IpVersion, b.InitialTtl, b.IpOptionsLength, b.WindowKind, b.Window, b.WindowScale, b.EolPadding, b.PayloadClass));
        Assert.Equal(13, P0fQuirkNames.All.Count(q => (b.Quirks & q.Bit) != 0));
        var c = db.TcpSignatures[2];
        Assert.True(c.RandomTtl);
        Assert.True(c.Label.IsApplication);
        Assert.Equal(["@unix", "@win", "Linux"], c.Label.Systems);
        Assert.Equal(new byte[] { 2, 30 }, c.OptionLayout);
        Assert.Equal(-1, c.PayloadClass);
    }

    [Theory]
    [InlineData("sig = 4:64:0:*:8192,0:mss::0\n", 2, "sig")]                              // sig before any section/label
    [InlineData("[tcp:sideways]\n", 2, "[tcp:sideways]")]
    [InlineData("[tcp:request]\nlabel = x:unix:Linux:3\n", 3, "x")]
    [InlineData("[tcp:request]\nlabel = s:beos:BeOS:5\n", 3, "beos")]
    [InlineData("[tcp:request]\nlabel = s:unix:Li%nux:3\n", 3, "Li%nux")]
    [InlineData("[tcp:request]\nlabel = s:!:NMap:scan\nsig = *:64-:0:1460:1024,0:mss::0\n", 4, "sig")] // app label without sys
    [InlineData("[tcp:request]\nlabel = s:unix:Linux:3\nsig = 5:64:0:*:8192,0:mss::0\n", 4, "5")]
    [InlineData("[tcp:request]\nlabel = s:unix:Linux:3\nsig = 4:300:0:*:8192,0:mss::0\n", 4, "300")]
    [InlineData("[tcp:request]\nlabel = s:unix:Linux:3\nsig = 4:64:0:*:mss*0,0:mss::0\n", 4, "mss*0")]
    [InlineData("[tcp:request]\nlabel = s:unix:Linux:3\nsig = 4:64:0:*:8192:mss::0\n", 4, "8192")]
    [InlineData("[tcp:request]\nlabel = s:unix:Linux:3\nsig = 4:64:0:*:8192,0:mss,foo::0\n", 4, "foo")]
    [InlineData("[tcp:request]\nlabel = s:unix:Linux:3\nsig = 4:64:0:*:8192,0:eol+1,mss::0\n", 4, "eol+1")]
    [InlineData("[tcp:request]\nlabel = s:unix:Linux:3\nsig = 4:64:0:*:8192,0:mss:df,weird:0\n", 4, "weird")]
    [InlineData("[tcp:request]\nlabel = s:unix:Linux:3\nsig = 6:64:0:*:8192,0:mss:df:0\n", 4, "df")]
    [InlineData("[tcp:request]\nlabel = s:unix:Linux:3\nsig = 4:64:0:*:8192,0:mss::x\n", 4, "x")]
    [InlineData("[tcp:request]\nlabel = s:unix:Linux:3\nsig = 4:64:0:*:8192,0:mss:0\n", 4, "4:64:0:*:8192,0:mss:0")]
    [InlineData("[mtu]\nlabel = Ethernet\nsig = 15x0\n", 4, "15x0")]
    [InlineData("[tcp:request]\nwhatever = 1\n", 3, "whatever")]
    [InlineData("[tcp:request]\nlabel = s:unix:Linux:3\nsys = Linux\n", 4, "sys")]
    [InlineData("[http:request]\nlabel = s:!:curl:\nsys = Linux\nsig = 2:Host::curl\n", 5, "2")]
    public void MalformedLinesNameFileLineAndToken(string body, int line, string token)
    {
        var e = LoadFails(Header + body);
        Assert.Equal("test.fp", e.File);
        Assert.Equal(line, e.Line);
        Assert.Equal(token, e.Token);
        Assert.StartsWith($"test.fp:{line}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{token}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateSignatureIsAnErrorNamingBothLines()
    {
        var e = LoadFails(Header + """
            [tcp:request]
            label = s:unix:Linux:3.x
            sig   = 4:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0
            label = s:unix:Linux:other
            sig   = 4:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0
            """);
        Assert.Equal(6, e.Line);
        Assert.Contains("already covered by line 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SignatureCoveredByAWildcardIsADuplicateButNotByAGenericOne()
    {
        // An MSS wildcard already matches any MSS: a later specific MSS could never be reported.
        var e = LoadFails(Header + "[tcp:request]\nlabel = s:unix:A:1\nsig = *:64:0:*:8192,0:mss::0\nlabel = s:unix:B:1\nsig = *:64:0:1460:8192,0:mss::0\n");
        Assert.Equal(6, e.Line);
        // Generic signatures only apply when nothing specific matches: p0f accepts a specific one after them.
        var db = P0fDatabaseLoader.Parse(Header + "[tcp:request]\nlabel = g:unix:A:1\nsig = *:64:0:*:8192,0:mss::0\nlabel = s:unix:B:1\nsig = *:64:0:1460:8192,0:mss::0\n", "t.fp");
        Assert.Equal(2, db.TcpSignatures.Count);
    }

    [Fact]
    public void NamesKeepTheirFirstSpellingAndEmptyFlavorIsNone()
    {
        var db = P0fDatabaseLoader.Parse(Header + "[tcp:request]\nlabel = s:unix:Linux:3\nsig = *:64:0:*:8192,0:mss::0\nlabel = g:UNIX:LINUX:\nsig = *:64:0:*:16384,0:mss::0\n", "t.fp");
        Assert.Equal("Linux", db.TcpSignatures[1].Label.Name);
        Assert.Equal("unix", db.TcpSignatures[1].Label.Class);
        Assert.Null(db.TcpSignatures[1].Label.Flavor);
        Assert.Equal("Linux", db.TcpSignatures[1].Label.Display);
        Assert.Equal('g', db.TcpSignatures[1].Label.Type);
    }

    [Fact]
    public void MissingFileIsAnErrorNamingIt()
    {
        var e = Assert.Throws<FingerprintDatabaseException>(() => P0fDatabase.Load("/nonexistent/p0f.fp"));
        Assert.StartsWith("/nonexistent/p0f.fp:0: ", e.Message, StringComparison.Ordinal);
    }
}
