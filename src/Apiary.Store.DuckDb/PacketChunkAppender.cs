using Apiary.Core;
using DuckDB.NET.Data;

namespace Apiary.Store.DuckDb;

/// <summary>
/// Appends <see cref="DecodedPacket"/> rows to the <c>packet_rows</c> table, one data chunk at a time
/// (<see cref="ChunkAppender"/>). Addresses are written as integers (Schema.PacketRows): no text per packet.
/// Single-threaded: one instance per connection and thread.
/// </summary>
public sealed class PacketChunkAppender : ChunkAppender
{
    /// <summary>The column order of Schema.PacketRows; the constructor checks that the table still has it.</summary>
    private const int ColumnCount = 38;

    /// <summary>The table the rows go to.</summary>
    public const string Table = "packet_rows";

    private enum Col
    {
        FileId, Frame, Ts, WireLen, CapLen, EthType, Vlan, IpVer, Src4, Dst4, Src6, Dst6, Proto, Ttl, IpId, IpLen, IpOptLen, Df,
        FragOff, Mf, Sport, Dport, TcpFlags, TcpSeq, TcpAck, TcpWin, TcpMss, TcpWscale, TcpOlayout, PayloadLen,
        IcmpType, IcmpCode, InnerSrcIp, InnerDstIp, InnerProto, InnerSport, InnerDport, Fp,
    }

    public PacketChunkAppender(DuckDBConnection connection) : base(connection, Table, ColumnCount, "Schema.PacketRows") { }

    /// <summary>Appends <paramref name="rows"/> as rows of capture file <paramref name="fileId"/>, with their attached fingerprints.</summary>
    public void Append(int fileId, ReadOnlySpan<DecodedPacket> rows)
    {
        ThrowIfClosed();
        foreach (ref readonly var p in rows)
        {
            WriteRow(fileId, in p, Row);
            EndRow();
        }
    }

    private void WriteRow(int fileId, in DecodedPacket p, int r)
    {
        Set(Col.FileId, r, fileId);
        Set(Col.Frame, r, p.FrameNumber);
        Set(Col.Ts, r, p.TimestampNs >= 0 ? p.TimestampNs / 1000 : (p.TimestampNs - 999) / 1000);
        Set(Col.WireLen, r, p.WireLength);
        Set(Col.CapLen, r, p.CapturedLength);
        if (p.EtherType != 0) Set(Col.EthType, r, p.EtherType); else Null(Col.EthType, r);
        if (p.VlanId >= 0) Set(Col.Vlan, r, (ushort)p.VlanId); else Null(Col.Vlan, r);

        var ip = p.IpVersion;
        if (ip != 0)
        {
            Set(Col.IpVer, r, ip);
            if (ip == 4)
            {
                Set(Col.Src4, r, p.Source.V4);
                Set(Col.Dst4, r, p.Destination.V4);
                Null(Col.Src6, r); Null(Col.Dst6, r);
            }
            else
            {
                Null(Col.Src4, r); Null(Col.Dst4, r);
                Set(Col.Src6, r, ToUHugeInt(p.Source));
                Set(Col.Dst6, r, ToUHugeInt(p.Destination));
            }
            if (p.Protocol >= 0) Set(Col.Proto, r, (byte)p.Protocol); else Null(Col.Proto, r);
            Set(Col.Ttl, r, p.Ttl);
            if (p.IpId >= 0) Set(Col.IpId, r, (uint)p.IpId); else Null(Col.IpId, r);
            Set(Col.IpLen, r, p.IpTotalLength);
            if (ip == 4)
            {
                Set(Col.IpOptLen, r, (byte)Math.Min(p.IpOptionsLength, 255));
                Set(Col.Df, r, p.DontFragment);
            }
            else
            {
                Null(Col.IpOptLen, r);
                Null(Col.Df, r);
            }
            Set(Col.FragOff, r, p.FragmentOffset);
            Set(Col.Mf, r, p.MoreFragments);
            Set(Col.PayloadLen, r, p.PayloadLength);
        }
        else
        {
            Null(Col.IpVer, r); Null(Col.Src4, r); Null(Col.Dst4, r); Null(Col.Src6, r); Null(Col.Dst6, r); Null(Col.Proto, r); Null(Col.Ttl, r); Null(Col.IpId, r);
            Null(Col.IpLen, r); Null(Col.IpOptLen, r); Null(Col.Df, r); Null(Col.FragOff, r); Null(Col.Mf, r); Null(Col.PayloadLen, r);
        }

        if (p.SourcePort >= 0) Set(Col.Sport, r, (ushort)p.SourcePort); else Null(Col.Sport, r);
        if (p.DestinationPort >= 0) Set(Col.Dport, r, (ushort)p.DestinationPort); else Null(Col.Dport, r);

        if (p.TcpFlags >= 0)
        {
            Set(Col.TcpFlags, r, (byte)p.TcpFlags);
            Set(Col.TcpSeq, r, p.TcpSeq);
            Set(Col.TcpAck, r, p.TcpAck);
            if (p.TcpWindow >= 0) Set(Col.TcpWin, r, (ushort)p.TcpWindow); else Null(Col.TcpWin, r);
            if (p.TcpMss >= 0) Set(Col.TcpMss, r, (ushort)p.TcpMss); else Null(Col.TcpMss, r);
            if (p.TcpWindowScale >= 0) Set(Col.TcpWscale, r, (byte)p.TcpWindowScale); else Null(Col.TcpWscale, r);
            if (p.TcpOptionLayout is { } layout) Str(Col.TcpOlayout, r, layout); else Null(Col.TcpOlayout, r);
        }
        else
        {
            Null(Col.TcpFlags, r); Null(Col.TcpSeq, r); Null(Col.TcpAck, r); Null(Col.TcpWin, r);
            Null(Col.TcpMss, r); Null(Col.TcpWscale, r); Null(Col.TcpOlayout, r);
        }

        if (p.IcmpType >= 0) Set(Col.IcmpType, r, (byte)p.IcmpType); else Null(Col.IcmpType, r);
        if (p.IcmpCode >= 0) Set(Col.IcmpCode, r, (byte)p.IcmpCode); else Null(Col.IcmpCode, r);

        if (p.HasInner)
        {
            Set(Col.InnerSrcIp, r, ToUHugeInt(p.InnerSource));
            Set(Col.InnerDstIp, r, ToUHugeInt(p.InnerDestination));
            if (p.InnerProtocol >= 0) Set(Col.InnerProto, r, (byte)p.InnerProtocol); else Null(Col.InnerProto, r);
            if (p.InnerSourcePort >= 0) Set(Col.InnerSport, r, (ushort)p.InnerSourcePort); else Null(Col.InnerSport, r);
            if (p.InnerDestinationPort >= 0) Set(Col.InnerDport, r, (ushort)p.InnerDestinationPort); else Null(Col.InnerDport, r);
        }
        else
        {
            Null(Col.InnerSrcIp, r); Null(Col.InnerDstIp, r); Null(Col.InnerProto, r); Null(Col.InnerSport, r); Null(Col.InnerDport, r);
        }

        // The p0f fingerprint attached on the decode thread, packed (Schema.FingerprintSigIdSql).
        if (p.Fingerprint.Present) Set(Col.Fp, r, p.Fingerprint.Packed); else Null(Col.Fp, r);
    }

    private static UHugeInt ToUHugeInt(IpAddress128 address) => new(address.Lo, address.Hi);

    private void Set<T>(Col c, int row, T value) where T : unmanaged => Set((int)c, row, value);

    private void Set(Col c, int row, bool value) => Set((int)c, row, value);

    private void Null(Col c, int row) => Null((int)c, row);

    private void Str(Col c, int row, string ascii) => Str((int)c, row, ascii);
}
