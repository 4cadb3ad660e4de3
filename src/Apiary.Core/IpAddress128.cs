using System.Buffers.Binary;
using System.Net;

namespace Apiary.Core;

/// <summary>
/// An IPv4 or IPv6 address as a 128-bit value, without allocation. IPv4 addresses are held
/// in their IPv4-mapped form (::ffff:a.b.c.d) so that both families sort and compare in one space.
/// </summary>
public readonly record struct IpAddress128(ulong Hi, ulong Lo)
{
    private const ulong MappedPrefixLo = 0x0000_FFFF_0000_0000UL;

    public static IpAddress128 None => default;

    public bool IsV4 => Hi == 0 && (Lo & 0xFFFF_FFFF_0000_0000UL) == MappedPrefixLo;

    /// <summary>The IPv4 address in host order (only meaningful when <see cref="IsV4"/>).</summary>
    public uint V4 => (uint)Lo;

    public static IpAddress128 FromV4(uint hostOrder) => new(0, MappedPrefixLo | hostOrder);

    /// <summary>Reads 4 bytes (network order) as IPv4.</summary>
    public static IpAddress128 FromV4Bytes(ReadOnlySpan<byte> four) => FromV4(BinaryPrimitives.ReadUInt32BigEndian(four));

    /// <summary>Reads 16 bytes (network order) as IPv6.</summary>
    public static IpAddress128 FromV6Bytes(ReadOnlySpan<byte> sixteen) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(sixteen), BinaryPrimitives.ReadUInt64BigEndian(sixteen[8..]));

    public static IpAddress128 FromIPAddress(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return FromV4Bytes(bytes);
        }
        address.TryWriteBytes(bytes, out _);
        return FromV6Bytes(bytes);
    }

    public static IpAddress128 Parse(string text) => FromIPAddress(IPAddress.Parse(text));

    public static bool TryParse(string text, out IpAddress128 value)
    {
        if (IPAddress.TryParse(text, out var a)) { value = FromIPAddress(a); return true; }
        value = default;
        return false;
    }

    public IPAddress ToIPAddress()
    {
        if (IsV4)
        {
            Span<byte> four = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(four, V4);
            return new IPAddress(four);
        }
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, Hi);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], Lo);
        return new IPAddress(bytes);
    }

    /// <summary>Text as tshark prints it: dotted quad for IPv4, RFC 5952 compressed form for IPv6.</summary>
    public override string ToString() => ToIPAddress().ToString();
}
