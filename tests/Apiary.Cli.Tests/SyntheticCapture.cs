using System.Buffers.Binary;
using Apiary.Capture;
using Apiary.Core;

namespace Apiary.Cli.Tests;

/// <summary>
/// Writes a large Ethernet/IPv4 capture with the project's PcapWriter: many sources sending TCP SYNs to three
/// targets, SYN+ACK replies, UDP probes and ICMP echo. Deterministic (fixed seed), so two files are identical.
/// </summary>
public static class SyntheticCapture
{
    public static void Write(string path, int packets)
    {
        var random = new Random(20040601);
        using var writer = PcapWriter.Create(path, LinkTypes.Ethernet);
        Span<byte> frame = stackalloc byte[14 + 20 + 20];
        long ts = 1_100_000_000_000_000_000L;
        for (var i = 0; i < packets; i++)
        {
            ts += random.Next(1, 2_000_000);
            var source = 0x0A000000u + (uint)random.Next(0, 500_000);
            var target = 0xC0000201u + (uint)(i % 3);
            var kind = random.Next(10);
            frame.Clear();
            BinaryPrimitives.WriteUInt16BigEndian(frame[12..], 0x0800);
            var ip = frame[14..];
            ip[0] = 0x45; ip[8] = (byte)random.Next(32, 129); BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)i);
            var reply = kind == 1;
            BinaryPrimitives.WriteUInt32BigEndian(ip[12..], reply ? target : source);
            BinaryPrimitives.WriteUInt32BigEndian(ip[16..], reply ? source : target);
            var l4 = ip[20..];
            int length;
            if (kind <= 6)
            {
                ip[9] = 6; length = 40;
                var port = (ushort)(kind == 0 ? 80 : kind == 2 ? 139 : 445);
                BinaryPrimitives.WriteUInt16BigEndian(l4, reply ? port : (ushort)random.Next(1024, 65536));
                BinaryPrimitives.WriteUInt16BigEndian(l4[2..], reply ? (ushort)random.Next(1024, 65536) : port);
                BinaryPrimitives.WriteUInt32BigEndian(l4[4..], (uint)random.Next());
                l4[12] = 0x50; l4[13] = (byte)(reply ? 0x12 : 0x02);
                BinaryPrimitives.WriteUInt16BigEndian(l4[14..], 64240);
            }
            else if (kind <= 8)
            {
                ip[9] = 17; length = 28;
                BinaryPrimitives.WriteUInt16BigEndian(l4, (ushort)random.Next(1024, 65536));
                BinaryPrimitives.WriteUInt16BigEndian(l4[2..], (ushort)(kind == 7 ? 137 : 1434));
                BinaryPrimitives.WriteUInt16BigEndian(l4[4..], 8);
            }
            else
            {
                ip[9] = 1; length = 28;
                l4[0] = 8;
                BinaryPrimitives.WriteUInt16BigEndian(l4[4..], (ushort)i);
            }
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)length);
            writer.WritePacket(ts, frame[..(14 + length)], 14 + length);
        }
    }
}
