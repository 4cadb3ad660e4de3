using Apiary.Config;
using Apiary.Core;

namespace Apiary.Testbed;

/// <summary>
/// Strict loader for testbed inventory files (format: docs/testbed.md, example: examples/testbed-paper.toml).
/// Unknown keys, duplicate names or addresses, bad ports and bad periods fail with file:line.
/// </summary>
public static class TestbedLoader
{
    public static TestbedInventory Load(string path) => FromTable(TomlConfig.Load(path));

    public static TestbedInventory Parse(string text, string fileName = "<testbed>") => FromTable(TomlConfig.Parse(text, fileName));

    private static TestbedInventory FromTable(ConfigTable root)
    {
        var platforms = new List<Platform>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in root.Tables("platform", required: true))
        {
            var p = ReadPlatform(t);
            if (names.TryGetValue(p.Name, out var first))
                throw t.Error(t.LineOf("name"), $"duplicate platform name '{p.Name}' (first on line {first})");
            names[p.Name] = t.LineOf("name");
            platforms.Add(p);
        }
        root.Done();
        return new TestbedInventory(root.File, platforms);
    }

    private static Platform ReadPlatform(ConfigTable t)
    {
        var name = NonEmpty(t, "name");
        var site = t.OptionalString("site") ?? "";
        var tz = t.OptionalString("timezone") ?? "UTC";
        try { _ = TimeZoneInfo.FindSystemTimeZoneById(tz); }
        catch (TimeZoneNotFoundException) { throw t.Error(t.LineOf("timezone"), $"unknown time zone '{tz}' (use an IANA id such as Europe/Paris)"); }
        var periods = t.Tables("capture").Select(c => { var period = ReadPeriod(c); c.Done(); return period; }).ToList();

        var targets = new List<Target>();
        var targetNames = new HashSet<string>(StringComparer.Ordinal);
        var addresses = new HashSet<IpAddress128>();
        foreach (var tt in t.Tables("target", required: true))
        {
            var target = ReadTarget(tt);
            if (!targetNames.Add(target.Name)) throw tt.Error(tt.LineOf("name"), $"duplicate target name '{target.Name}' in platform '{name}'");
            if (!addresses.Add(target.Address)) throw tt.Error(tt.LineOf("address"), $"address {target.Address} is used by two targets of platform '{name}'");
            targets.Add(target);
        }
        t.Done();
        return new Platform(name, site, tz, periods, targets);
    }

    private static Target ReadTarget(ConfigTable t)
    {
        var name = NonEmpty(t, "name");
        var addressText = NonEmpty(t, "address");
        if (!IpAddress128.TryParse(addressText, out var address))
            throw t.Error(t.LineOf("address"), $"'{addressText}' is not an IPv4 or IPv6 address");
        var os = t.OptionalString("os") ?? "";
        var ports = new List<PortPeriod>();
        // Shorthand: open_tcp / open_udp on the target itself = open for the whole inventory.
        if (t.Has("open_tcp") || t.Has("open_udp"))
            ports.Add(new PortPeriod(TimePeriod.Always, Ports(t, "open_tcp"), Ports(t, "open_udp")));
        foreach (var pt in t.Tables("ports"))
        {
            var period = ReadPeriod(pt);
            ports.Add(new PortPeriod(period, Ports(pt, "tcp"), Ports(pt, "udp")));
            pt.Done();
        }
        t.Done();
        return new Target(name, address, os, ports);
    }

    private static TimePeriod ReadPeriod(ConfigTable t)
    {
        var from = t.OptionalDateTime("from");
        var to = t.OptionalDateTime("to");
        if (from is not null && to is not null && to <= from)
            throw t.Error(t.LineOf("to"), $"period ends ({to:O}) before it starts ({from:O})");
        return new TimePeriod(from, to);
    }

    private static HashSet<int> Ports(ConfigTable t, string key)
    {
        var set = new HashSet<int>();
        foreach (var p in t.IntegerArray(key))
        {
            if (p is < 0 or > 65535) throw t.Error(t.LineOf(key), $"port {p} in '{key}' is outside 0-65535");
            if (!set.Add((int)p)) throw t.Error(t.LineOf(key), $"port {p} listed twice in '{key}'");
        }
        return set;
    }

    private static string NonEmpty(ConfigTable t, string key)
    {
        var v = t.String(key);
        if (string.IsNullOrWhiteSpace(v)) throw t.Error(t.LineOf(key), $"'{key}' must not be empty");
        return v;
    }
}
