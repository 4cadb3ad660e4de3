using Apiary.Config;
using Apiary.Core;
using Apiary.TestSupport;
using Xunit;

namespace Apiary.Testbed.Tests;

public class TestbedLoaderTests
{
    [Fact]
    public void Loads_the_paper_example()
    {
        var tb = TestbedLoader.Load(Path.Combine(SharedData.RepoRoot, "examples", "testbed-paper.toml"));
        var p = Assert.Single(tb.Platforms);
        Assert.Equal("eurecom", p.Name);
        Assert.Equal(3, p.Targets.Count);
        Assert.Equal(["mach0", "mach1", "mach2"], p.Targets.Select(t => t.Name));
        var mach2 = tb.FindTarget("eurecom", IpAddress128.Parse("192.0.2.12"))!;
        var t = new DateTime(2003, 4, 1, 12, 0, 0, DateTimeKind.Utc);
        Assert.True(mach2.IsOpen(IpProtocols.Tcp, 21, t));
        Assert.False(mach2.IsOpen(IpProtocols.Tcp, 139, t));
        Assert.True(p.IsCapturing(t));
        Assert.False(p.IsCapturing(new DateTime(2003, 7, 1, 0, 0, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void Port_periods_change_what_is_open()
    {
        var tb = TestbedLoader.Parse("""
            [[platform]]
            name = "p"
            [[platform.target]]
            name = "a"
            address = "2001:db8::1"
            [[platform.target.ports]]
            tcp = [80]
            to = 2020-01-01T00:00:00Z
            [[platform.target.ports]]
            tcp = [80, 443]
            from = 2020-01-01T00:00:00Z
            """);
        var a = tb.Platforms[0].Targets[0];
        Assert.False(a.IsOpen(6, 443, new DateTime(2019, 6, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.True(a.IsOpen(6, 443, new DateTime(2020, 6, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.True(a.IsOpen(6, 80, new DateTime(2019, 6, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.False(a.IsOpen(17, 80, new DateTime(2019, 6, 1, 0, 0, 0, DateTimeKind.Utc)));
    }

    [Theory]
    [InlineData("[[platform]]\nname = \"p\"\ncolour = \"red\"\n[[platform.target]]\nname = \"a\"\naddress = \"192.0.2.1\"\n", 3, "unknown key 'platform[0].colour'")]
    [InlineData("[[platform]]\nname = \"p\"\n[[platform.target]]\nname = \"a\"\naddress = \"192.0.2.1\"\nopen_tcp = [80, 70000]\n", 6, "port 70000")]
    [InlineData("[[platform]]\nname = \"p\"\n[[platform.target]]\nname = \"a\"\naddress = \"192.0.2.300\"\n", 5, "not an IPv4 or IPv6 address")]
    [InlineData("[[platform]]\nname = \"p\"\n[[platform.target]]\nname = \"a\"\naddress = \"192.0.2.1\"\n[[platform.target]]\nname = \"a\"\naddress = \"192.0.2.2\"\n", 7, "duplicate target name 'a'")]
    [InlineData("[[platform]]\nname = \"p\"\ntimezone = \"Mars/Olympus\"\n[[platform.target]]\nname = \"a\"\naddress = \"192.0.2.1\"\n", 3, "unknown time zone")]
    [InlineData("[[platform]]\nname = \"p\"\n[[platform.target]]\nname = \"a\"\naddress = 5\n", 5, "must be a string")]
    [InlineData("[[platform]]\nname = \"p\"\n[[platform.target]]\nname = \"a\"\naddress = \"192.0.2.1\n", 5, "")]
    [InlineData("[[platform]]\nname = \"p\"\n", 1, "missing required key 'platform[0].target'")]
    public void Errors_name_file_and_line(string text, int line, string problem)
    {
        var e = Assert.Throws<ConfigException>(() => TestbedLoader.Parse(text, "tb.toml"));
        Assert.Equal("tb.toml", e.File);
        Assert.Equal(line, e.Line);
        Assert.StartsWith($"tb.toml:{line}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_a_clear_error()
    {
        var e = Assert.Throws<ConfigException>(() => TestbedLoader.Load("/nonexistent/tb.toml"));
        Assert.Contains("file not found", e.Message, StringComparison.Ordinal);
    }
}
