using System.Text;
using Apiary.Core;

namespace Apiary.Store.DuckDb;

/// <summary>
/// The UTF-8 text of IP addresses (as tshark prints them), built once per distinct address so that loading a
/// packet never formats a string. One instance per loader lane (single-threaded, no locking).
/// </summary>
public sealed class AddressTextCache
{
    /// <summary>
    /// Entries kept before the cache is emptied and refilled: 262,144 addresses cost about 25 MB per lane, cover
    /// every source of a typical honeypot day, and keep memory bounded when spoofed floods bring millions of
    /// one-packet addresses (those are formatted once each anyway).
    /// </summary>
    public const int DefaultCapacity = 1 << 18;

    private readonly int _capacity;
    private readonly Dictionary<IpAddress128, byte[]> _text;

    public AddressTextCache(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _text = new Dictionary<IpAddress128, byte[]>(Math.Min(capacity, 4096));
    }

    public int Count => _text.Count;

    /// <summary>Times the cache was emptied because it was full.</summary>
    public long Resets { get; private set; }

    /// <summary>
    /// UTF-8 text of <paramref name="address"/> seen in an IP header of version <paramref name="ipVersion"/>.
    /// IPv4 addresses are held in IPv4-mapped form by IpAddress128, so an IPv6 header that really carries
    /// ::ffff:a.b.c.d is formatted as IPv6 and not cached (its key would collide with the IPv4 address).
    /// </summary>
    public byte[] Get(IpAddress128 address, int ipVersion)
    {
        if (ipVersion == 6 && address.IsV4)
            return Encoding.ASCII.GetBytes("::ffff:" + address.ToString());
        if (_text.TryGetValue(address, out var text)) return text;
        if (_text.Count >= _capacity)
        {
            _text.Clear();
            Resets++;
        }
        text = address.IsV4 ? FormatV4(address.V4) : Encoding.ASCII.GetBytes(address.ToIPAddress().ToString());
        _text.Add(address, text);
        return text;
    }

    private static byte[] FormatV4(uint v4)
    {
        Span<byte> buffer = stackalloc byte[15];
        var n = 0;
        for (var shift = 24; shift >= 0; shift -= 8)
        {
            var octet = (int)((v4 >> shift) & 0xFF);
            if (octet >= 100) buffer[n++] = (byte)('0' + octet / 100);
            if (octet >= 10) buffer[n++] = (byte)('0' + octet / 10 % 10);
            buffer[n++] = (byte)('0' + octet % 10);
            if (shift > 0) buffer[n++] = (byte)'.';
        }
        return buffer[..n].ToArray();
    }

    /// <summary>The text the cache produces, as a string (tests and diagnostics).</summary>
    public static string Format(IpAddress128 address, int ipVersion) =>
        Encoding.ASCII.GetString(new AddressTextCache(1).Get(address, ipVersion));
}
