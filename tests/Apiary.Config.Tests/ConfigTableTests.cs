using Xunit;

namespace Apiary.Config.Tests;

public class ConfigTableTests
{
    [Fact]
    public void Reads_typed_values_and_reports_their_lines()
    {
        var t = TomlConfig.Parse("a = 1\nb = \"x\"\n\n[s]\nc = [1, 2]\nd = 2.5\ne = true\nf = 2003-03-01T00:00:00Z\n", "c.toml");
        Assert.Equal(1, t.Integer("a"));
        Assert.Equal("x", t.String("b"));
        var s = t.Table("s");
        Assert.Equal([1L, 2L], s.IntegerArray("c"));
        Assert.Equal(2.5, s.Number("d"));
        Assert.True(s.Boolean("e"));
        Assert.Equal(new DateTime(2003, 3, 1, 0, 0, 0, DateTimeKind.Utc), s.OptionalDateTime("f"));
        Assert.Equal(6, s.LineOf("d"));
        s.Done();
        t.Done();
    }

    [Fact]
    public void Wrong_type_names_the_line_and_what_was_expected()
    {
        var t = TomlConfig.Parse("a = 1\nb = \"x\"\n", "c.toml");
        var e = Assert.Throws<ConfigException>(() => t.Integer("b"));
        Assert.Equal("c.toml:2: 'b' must be an integer, found string \"x\"", e.Message);
    }

    [Fact]
    public void Unread_keys_are_errors()
    {
        var t = TomlConfig.Parse("a = 1\ntypo = 2\n", "c.toml");
        _ = t.Integer("a");
        var e = Assert.Throws<ConfigException>(t.Done);
        Assert.Equal("c.toml:2: unknown key 'typo'", e.Message);
    }

    [Fact]
    public void Syntax_errors_name_the_line()
    {
        var e = Assert.Throws<ConfigException>(() => TomlConfig.Parse("a = 1\nb = = 2\n", "c.toml"));
        Assert.Equal(2, e.Line);
        Assert.StartsWith("c.toml:2: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_keys_are_errors()
    {
        var e = Assert.Throws<ConfigException>(() => TomlConfig.Parse("a = 1\na = 2\n", "c.toml"));
        Assert.Equal(2, e.Line);
    }
}
