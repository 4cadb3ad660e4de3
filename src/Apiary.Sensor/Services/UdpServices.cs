using System.Buffers.Binary;
using System.Text;
using Apiary.Sensor.Stack;

namespace Apiary.Sensor.Services;

/// <summary>UDP services: echo, and the NetBIOS name service (answers name queries and node-status queries for the host's name).</summary>
public static class UdpServices
{
    /// <summary>The reply payload, or null for no reply.</summary>
    public static byte[]? Answer(string service, VirtualHostRuntime host, ReadOnlySpan<byte> request) => service switch
    {
        "echo" => request.Length <= 1400 ? request.ToArray() : null,
        "netbios-ns" => NetbiosNs(host, request),
        _ => null,
    };

    public static string Describe(ReadOnlySpan<byte> payload) => Convert.ToHexString(payload[..Math.Min(payload.Length, 64)]);

    private static byte[]? NetbiosNs(VirtualHostRuntime host, ReadOnlySpan<byte> q)
    {
        // Header (12) + encoded name (34) + type (2) + class (2).
        if (q.Length < 50 || (q[2] & 0x80) != 0 || q[12] != 0x20) return null;
        var name = DecodeName(q.Slice(13, 32), out var suffix);
        var type = BinaryPrimitives.ReadUInt16BigEndian(q[46..]);
        var mine = host.Config.NetbiosName;
        if (type == 0x21) // NBSTAT: node status, answered for any name ('*' included), as Windows does
        {
            var names = new (string, byte, ushort)[] { (mine, 0x00, 0x0400), (mine, 0x20, 0x0400), (host.P.SmbDomain, 0x00, 0x8400) };
            var r = new List<byte>();
            r.AddRange(q[..2].ToArray());
            r.AddRange(new byte[] { 0x84, 0x00, 0, 0, 0, 1, 0, 0, 0, 0 });
            r.AddRange(q.Slice(12, 34).ToArray());
            r.AddRange(new byte[] { 0, 0x21, 0, 1, 0, 0, 0, 0 });
            var rdata = new List<byte> { (byte)names.Length };
            foreach (var (n, sfx, flags) in names)
            {
                rdata.AddRange(Encoding.ASCII.GetBytes(n.PadRight(15)[..15]));
                rdata.Add(sfx);
                rdata.Add((byte)(flags >> 8)); rdata.Add((byte)flags);
            }
            rdata.AddRange(host.Mac);
            rdata.AddRange(new byte[40]);
            r.Add((byte)(rdata.Count >> 8)); r.Add((byte)rdata.Count);
            r.AddRange(rdata);
            return r.ToArray();
        }
        if (type == 0x20 && name.TrimEnd() == mine && suffix is 0x00 or 0x20)
        {
            var r = new List<byte>();
            r.AddRange(q[..2].ToArray());
            r.AddRange(new byte[] { 0x85, 0x00, 0, 0, 0, 1, 0, 0, 0, 0 });
            r.AddRange(q.Slice(12, 34).ToArray());
            r.AddRange(new byte[] { 0, 0x20, 0, 1, 0, 0, 0x0e, 0x10, 0, 6, 0, 0 });
            var a = host.Address;
            r.AddRange(new[] { (byte)(a >> 24), (byte)(a >> 16), (byte)(a >> 8), (byte)a });
            return r.ToArray();
        }
        return null;
    }

    private static string DecodeName(ReadOnlySpan<byte> enc, out byte suffix)
    {
        var chars = new char[16];
        for (var i = 0; i < 16; i++) chars[i] = (char)(((enc[2 * i] - 'A') << 4) | (enc[2 * i + 1] - 'A'));
        suffix = (byte)chars[15];
        return new string(chars, 0, 15);
    }
}
