using System.Buffers.Binary;

namespace Apiary.Fingerprint.Tests;

/// <summary>Hand-built IPv4 / IPv6 TCP packets (no link layer) for field-by-field tests.</summary>
internal sealed class PacketBuilder
{
    public int Version { get; init; } = 4;
    public byte Ttl { get; init; } = 64;
    public byte Tos { get; init; }
    public bool Df { get; init; } = true;
    public bool Mbz { get; init; }
    public ushort IpId { get; init; } = 0x1234;
    public byte[] IpOptions { get; init; } = [];
    public int FlowLabel { get; init; }
    public byte Flags { get; init; } = 0x02;
    public uint Seq { get; init; } = 1000;
    public uint Ack { get; init; }
    public ushort Window { get; init; } = 29200;
    public ushort Urgent { get; init; }
    public bool NsBit { get; init; }
    public byte[] Options { get; init; } = [2, 4, 0x05, 0xb4];
    public int Payload { get; init; }
    public ushort SourcePort { get; init; } = 40000;
    public ushort DestinationPort { get; init; } = 80;
    public byte[] Source { get; init; } = [192, 0, 2, 1];
    public byte[] Destination { get; init; } = [192, 0, 2, 2];

    public byte[] Build()
    {
        var tcpLen = 20 + Options.Length;
        if (tcpLen % 4 != 0) throw new InvalidOperationException("TCP options must be padded to 4 bytes");
        var tcp = new byte[tcpLen + Payload];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(4), Seq);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(8), Ack);
        tcp[12] = (byte)((tcpLen / 4) << 4 | (NsBit ? 1 : 0));
        tcp[13] = Flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(14), Window);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(18), Urgent);
        Options.CopyTo(tcp, 20);
        for (var i = 0; i < Payload; i++) tcp[tcpLen + i] = (byte)'A';

        if (Version == 4)
        {
            var hl = 20 + IpOptions.Length;
            var ip = new byte[hl + tcp.Length];
            ip[0] = (byte)(0x40 | hl / 4);
            ip[1] = Tos;
            BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)ip.Length);
            BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(4), IpId);
            BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(6), (ushort)((Df ? 0x4000 : 0) | (Mbz ? 0x8000 : 0)));
            ip[8] = Ttl;
            ip[9] = 6;
            Source.CopyTo(ip, 12);
            Destination.CopyTo(ip, 16);
            IpOptions.CopyTo(ip, 20);
            tcp.CopyTo(ip, hl);
            return ip;
        }
        var v6 = new byte[40 + tcp.Length];
        BinaryPrimitives.WriteUInt32BigEndian(v6, (uint)(6 << 28 | Tos << 20 | FlowLabel));
        BinaryPrimitives.WriteUInt16BigEndian(v6.AsSpan(4), (ushort)tcp.Length);
        v6[6] = 6;
        v6[7] = Ttl;
        v6[8] = 0x20; v6[9] = 0x01; v6[10] = 0x0d; v6[11] = 0xb8; v6[23] = 1;
        v6[24] = 0x20; v6[25] = 0x01; v6[26] = 0x0d; v6[27] = 0xb8; v6[39] = 2;
        tcp.CopyTo(v6, 40);
        return v6;
    }

    public TcpPacketSignature Parse()
    {
        var bytes = Build();
        if (!TcpPacketParser.TryParse(bytes, 0, bytes.Length, out var sig)) throw new InvalidOperationException("packet did not parse");
        return sig;
    }
}
