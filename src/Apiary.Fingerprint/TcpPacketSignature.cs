using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Apiary.Core;

namespace Apiary.Fingerprint;

/// <summary>Up to 24 TCP option kinds, in order (no allocation per packet).</summary>
[InlineArray(TcpOptionKind.MaxOptions)]
public struct OptionLayoutBuffer
{
    private byte _first;
}

/// <summary>
/// What p0f extracts from one TCP packet's IP and TCP headers (p0f's <c>packet_data</c>): the fields of a
/// raw signature plus addressing. Filled by <see cref="TcpPacketParser"/>; a plain struct reused per packet.
/// </summary>
public struct TcpPacketSignature
{
    public byte IpVersion;
    public byte Ttl;
    /// <summary>DSCP bits (TOS without ECN), reported by p0f as <c>tos:0x..</c> in params.</summary>
    public byte Tos;
    public int IpOptionsLength;
    public IpAddress128 Source;
    public IpAddress128 Destination;
    public ushort SourcePort;
    public ushort DestinationPort;
    /// <summary>TCP flags masked to SYN|ACK|FIN|RST (p0f's tcp_type).</summary>
    public byte TcpType;
    public uint Seq;
    public int Window;
    /// <summary>MSS option value, 0 when absent (p0f's convention).</summary>
    public int Mss;
    /// <summary>Window scale option value, 0 when absent.</summary>
    public int WindowScale;
    /// <summary>Own timestamp (TSval), 0 when absent.</summary>
    public uint Ts1;
    public P0fQuirks Quirks;
    public int OptionCount;
    public OptionLayoutBuffer Options;
    /// <summary>Bytes after an EOL option (eol+n).</summary>
    public int EolPadding;
    public int PayloadLength;
    /// <summary>IP header (with options) plus TCP header length.</summary>
    public int TotalHeaderLength;

    [System.Diagnostics.CodeAnalysis.UnscopedRef]
    public readonly ReadOnlySpan<byte> Layout => ((ReadOnlySpan<byte>)Options)[..OptionCount];

    public readonly bool IsSyn => TcpType == TcpFlagBits.Syn;
    public readonly bool IsSynAck => TcpType == (TcpFlagBits.Syn | TcpFlagBits.Ack);
}

/// <summary>
/// Turns the bytes of an IP packet into a <see cref="TcpPacketSignature"/> with p0f 3.09b's rules
/// (process.c parse_packet): the same sanity checks (a packet p0f would skip is rejected here too), the
/// same quirk tests and the same option walk, including data after EOL and malformed options.
/// Never throws: hostile bytes just give false.
/// </summary>
public static class TcpPacketParser
{
    private const int Ipv4HeaderMin = 20, Ipv6Header = 40, TcpHeaderMin = 20;

    /// <summary>p0f looks at no more than this many bytes of a packet (p0f config.h SNAPLEN).</summary>
    public const int SnapLength = 65535;

    /// <summary>
    /// Parses the IP packet that starts at <paramref name="networkOffset"/> of <paramref name="frame"/>.
    /// <paramref name="wireLength"/> is the frame's original length: like p0f, the usable length is the smaller
    /// of wire and captured length, so a snapped (truncated) packet is skipped rather than misread.
    /// Returns false for anything p0f would not fingerprint-parse (non-TCP, fragments, truncation, bad lengths,
    /// silly flag combinations).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, int networkOffset, int wireLength, out TcpPacketSignature sig)
    {
        sig = default;
        if (networkOffset < 0 || networkOffset >= frame.Length) return false;
        var packetLen = Math.Min(Math.Min(wireLength, frame.Length), SnapLength) - networkOffset;
        if (packetLen < Ipv4HeaderMin + TcpHeaderMin) return false;
        var data = frame.Slice(networkOffset, packetLen);

        int tcpStart;
        var version = data[0] >> 4;
        if (version == 4)
        {
            var hdrLen = (data[0] & 0x0F) * 4;
            int totLen = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
            var flagsOff = BinaryPrimitives.ReadUInt16BigEndian(data[6..]);
            // Honour a shorter IP length than the frame (Ethernet padding, etherleak).
            if (packetLen > totLen) packetLen = totLen;
            if (packetLen < Ipv4HeaderMin + TcpHeaderMin) return false;
            if (hdrLen < Ipv4HeaderMin) return false;
            if (totLen > packetLen) return false;
            if (hdrLen + TcpHeaderMin > packetLen) return false;
            if (data[9] != IpProtocols.Tcp) return false;
            // MF or a fragment offset: p0f fingerprints unfragmented traffic only.
            if ((flagsOff & ~(0x4000 | 0x8000)) != 0) return false;

            sig.IpVersion = 4;
            sig.IpOptionsLength = hdrLen - Ipv4HeaderMin;
            sig.Source = IpAddress128.FromV4Bytes(data[12..]);
            sig.Destination = IpAddress128.FromV4Bytes(data[16..]);
            sig.Tos = (byte)(data[1] >> 2);
            sig.Ttl = data[8];
            if ((data[1] & 0x03) != 0) sig.Quirks |= P0fQuirks.Ecn;
            if ((flagsOff & 0x8000) != 0) sig.Quirks |= P0fQuirks.NonZeroMbz;
            var idNonZero = data[4] != 0 || data[5] != 0;
            if ((flagsOff & 0x4000) != 0)
            {
                sig.Quirks |= P0fQuirks.Df;
                if (idNonZero) sig.Quirks |= P0fQuirks.NonZeroId;
            }
            else if (!idNonZero) sig.Quirks |= P0fQuirks.ZeroId;
            sig.TotalHeaderLength = hdrLen;
            tcpStart = hdrLen;
        }
        else if (version == 6)
        {
            var verTos = BinaryPrimitives.ReadUInt32BigEndian(data);
            var totLen = BinaryPrimitives.ReadUInt16BigEndian(data[4..]) + Ipv6Header;
            if (packetLen > totLen) packetLen = totLen;
            if (packetLen < Ipv6Header + TcpHeaderMin) return false;
            if (totLen > packetLen) return false;
            // Like p0f, no extension headers: TCP must follow the fixed header directly.
            if (data[6] != IpProtocols.Tcp) return false;

            sig.IpVersion = 6;
            sig.IpOptionsLength = 0;
            sig.Source = IpAddress128.FromV6Bytes(data[8..]);
            sig.Destination = IpAddress128.FromV6Bytes(data[24..]);
            sig.Tos = (byte)((verTos >> 22) & 0x3F);
            sig.Ttl = data[7];
            if ((verTos & 0xFFFFF) != 0) sig.Quirks |= P0fQuirks.Flow;
            if (((verTos >> 20) & 0x03) != 0) sig.Quirks |= P0fQuirks.Ecn;
            sig.TotalHeaderLength = Ipv6Header;
            tcpStart = Ipv6Header;
        }
        else return false;

        packetLen -= tcpStart;
        var tcp = data.Slice(tcpStart, packetLen);
        var doff = (tcp[12] >> 4) * 4;
        if (doff < TcpHeaderMin || doff > packetLen) return false;
        sig.TotalHeaderLength += doff;
        sig.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(tcp);
        sig.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]);
        var flags = tcp[13];
        const int syn = TcpFlagBits.Syn, ack = TcpFlagBits.Ack, fin = TcpFlagBits.Fin, rst = TcpFlagBits.Rst;
        sig.TcpType = (byte)(flags & (syn | ack | fin | rst));
        // NUL, SYN+FIN, SYN+RST, FIN+RST: p0f ignores the packet.
        if (((flags & syn) != 0 && (flags & (fin | rst)) != 0) || ((flags & fin) != 0 && (flags & rst) != 0) || sig.TcpType == 0)
            return false;

        sig.Window = BinaryPrimitives.ReadUInt16BigEndian(tcp[14..]);
        sig.Seq = BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]);
        if ((flags & (TcpFlagBits.Ece | TcpFlagBits.Cwr)) != 0 || (tcp[12] & 0x01) != 0) sig.Quirks |= P0fQuirks.Ecn;
        if (sig.Seq == 0) sig.Quirks |= P0fQuirks.ZeroSeq;
        if ((flags & ack) != 0)
        {
            if (BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]) == 0) sig.Quirks |= P0fQuirks.ZeroAck;
        }
        else if ((flags & rst) == 0 && (tcp[8] & 0x01) != 0)
        {
            // p0f 3.09b writes this test as "RD32(tcp->ack) & !(flags & RST)": a bitwise AND with 1 of the ACK
            // field read in host (little-endian) order, i.e. the lowest bit of the field's FIRST byte on the
            // wire. A non-zero ACK whose first byte is even does not get ack+. Reproduced for compatibility.
            sig.Quirks |= P0fQuirks.NonZeroAck;
        }
        if ((flags & TcpFlagBits.Urg) != 0) sig.Quirks |= P0fQuirks.Urgent;
        else if (tcp[18] != 0 || tcp[19] != 0) sig.Quirks |= P0fQuirks.NonZeroUrgentPointer;
        if ((flags & TcpFlagBits.Psh) != 0) sig.Quirks |= P0fQuirks.Push;

        sig.PayloadLength = packetLen - doff;
        ParseOptions(tcp[TcpHeaderMin..doff], ref sig);
        return true;
    }

    /// <summary>p0f's option walk: records each kind, the EOL padding, MSS, window scale, TSval and option quirks.</summary>
    private static void ParseOptions(ReadOnlySpan<byte> opts, ref TcpPacketSignature sig)
    {
        var i = 0;
        var end = opts.Length;
        while (i < end && sig.OptionCount < TcpOptionKind.MaxOptions)
        {
            var kind = opts[i++];
            sig.Options[sig.OptionCount++] = kind;
            switch (kind)
            {
                case TcpOptionKind.Eol:
                    sig.EolPadding = end - i;
                    // p0f skips zero bytes; at the first non-zero byte it stops (having consumed it) and flags
                    // opt+ only if bytes remain after it: a non-zero LAST byte goes unnoticed in p0f 3.09b.
                    while (i < end)
                    {
                        if (opts[i++] != 0) break;
                    }
                    if (i != end)
                    {
                        sig.Quirks |= P0fQuirks.TrailingOptionData;
                        i = end;
                    }
                    break;
                case TcpOptionKind.Nop:
                    break;
                case TcpOptionKind.Mss:
                    if (i + 3 > end) { sig.Quirks |= P0fQuirks.BadOptions; return; }
                    if (opts[i] != 4) sig.Quirks |= P0fQuirks.BadOptions;
                    sig.Mss = BinaryPrimitives.ReadUInt16BigEndian(opts[(i + 1)..]);
                    i += 3;
                    break;
                case TcpOptionKind.WindowScale:
                    if (i + 2 > end) { sig.Quirks |= P0fQuirks.BadOptions; return; }
                    if (opts[i] != 3) sig.Quirks |= P0fQuirks.BadOptions;
                    sig.WindowScale = opts[i + 1];
                    if (sig.WindowScale > 14) sig.Quirks |= P0fQuirks.ExcessiveWindowScale;
                    i += 2;
                    break;
                case TcpOptionKind.SackPermitted:
                    if (i + 1 > end) { sig.Quirks |= P0fQuirks.BadOptions; return; }
                    if (opts[i] != 2) sig.Quirks |= P0fQuirks.BadOptions;
                    i += 1;
                    break;
                case TcpOptionKind.Sack:
                    if (i == end || opts[i] < 10 || opts[i] > 34 || i - 1 + opts[i] > end) { sig.Quirks |= P0fQuirks.BadOptions; return; }
                    i += opts[i] - 1;
                    break;
                case TcpOptionKind.Timestamp:
                    if (i + 9 > end) { sig.Quirks |= P0fQuirks.BadOptions; return; }
                    if (opts[i] != 10) sig.Quirks |= P0fQuirks.BadOptions;
                    sig.Ts1 = BinaryPrimitives.ReadUInt32BigEndian(opts[(i + 1)..]);
                    if (sig.Ts1 == 0) sig.Quirks |= P0fQuirks.ZeroTimestamp1;
                    if (sig.TcpType == TcpFlagBits.Syn && BinaryPrimitives.ReadUInt32BigEndian(opts[(i + 5)..]) != 0)
                        sig.Quirks |= P0fQuirks.NonZeroTimestamp2;
                    i += 9;
                    break;
                default:
                    if (i == end || opts[i] < 2 || opts[i] > 40 || i - 1 + opts[i] > end) { sig.Quirks |= P0fQuirks.BadOptions; return; }
                    i += opts[i] - 1;
                    break;
            }
        }
        // Options left over after MAX_TCP_OPT kinds, or a length that overran the header.
        if (i != end) sig.Quirks |= P0fQuirks.BadOptions;
    }
}
