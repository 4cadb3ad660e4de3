using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Apiary.Sensor.Stack;

namespace Apiary.Sensor.Services;

/// <summary>
/// SMB on TCP 445: answers one NEGOTIATE (SMB2 dialect 2.0.2 to SMB2 or multi-protocol requests; SMB1 "NT LM 0.12" to
/// SMB1-only requests, as Windows 98/NT do), then closes: no session is ever set up, nothing is served.
/// </summary>
public sealed class SmbNegotiateService(VirtualHostRuntime host) : ITcpService
{
    private readonly List<byte> _pending = new();

    public string Name => "smb";

    public void OnOpen(ITcpSession session) => session.Log("connect");

    public void OnData(ITcpSession session, ReadOnlySpan<byte> data)
    {
        // Gather one NetBIOS-framed message (bounded: an SMB negotiate is a few hundred bytes).
        if (_pending.Count + data.Length > 8192) { session.Close(); return; }
        _pending.AddRange(data.ToArray());
        if (_pending.Count < 4) return;
        var len = (_pending[1] << 16) | (_pending[2] << 8) | _pending[3];
        if (_pending.Count < 4 + len) return;
        var msg = _pending.ToArray();
        _pending.Clear();
        var smb1Only = host.P.Name is "windows-98" or "windows-nt4";
        Answer(session, msg, host.P.SmbDomain, host.Config.NetbiosName, smb1Only);
    }

    /// <summary>Answers a NetBIOS-framed SMB negotiate on <paramref name="session"/> and closes it.</summary>
    public static void Answer(ITcpSession session, ReadOnlySpan<byte> msg, string domain, string server = "SERVER", bool smb1Only = false)
    {
        if (msg.Length < 4 + 36) { session.Close(); return; }
        var smb = msg[4..];
        if (smb[0] == 0xFE && smb[1] == (byte)'S' && BinaryPrimitives.ReadUInt16LittleEndian(smb[12..]) == 0)
        {
            session.Log("smb2_negotiate");
            session.Send(Frame(Smb2NegotiateResponse(BinaryPrimitives.ReadUInt64LittleEndian(smb[24..]))));
        }
        else if (smb[0] == 0xFF && smb[1] == (byte)'S' && smb[4] == 0x72)
        {
            var dialects = ParseDialects(smb);
            session.Log("smb1_negotiate", string.Join(",", dialects));
            var smb2 = dialects.FindIndex(d => d is "SMB 2.002" or "SMB 2.???");
            var ntlm = dialects.IndexOf("NT LM 0.12");
            if (smb2 >= 0 && !smb1Only) session.Send(Frame(Smb2NegotiateResponse(0)));
            else session.Send(Frame(Smb1NegotiateResponse(smb, ntlm < 0 ? 0xFFFF : ntlm, domain, server)));
        }
        else session.Log("data", Convert.ToHexString(smb[..Math.Min(smb.Length, 64)]));
        session.Close();
    }

    private static List<string> ParseDialects(ReadOnlySpan<byte> smb)
    {
        var result = new List<string>();
        var wc = smb[32];
        var at = 33 + wc * 2;
        if (at + 2 > smb.Length) return result;
        var bc = BinaryPrimitives.ReadUInt16LittleEndian(smb[at..]);
        var bytes = smb.Slice(at + 2, Math.Min(bc, smb.Length - at - 2));
        for (var i = 0; i < bytes.Length && result.Count < 32;)
        {
            if (bytes[i] != 0x02) break;
            var end = bytes[(i + 1)..].IndexOf((byte)0);
            if (end < 0) break;
            result.Add(Encoding.ASCII.GetString(bytes.Slice(i + 1, end)));
            i += end + 2;
        }
        return result;
    }

    private static byte[] Frame(byte[] smb)
    {
        var f = new byte[4 + smb.Length];
        f[1] = (byte)(smb.Length >> 16); f[2] = (byte)(smb.Length >> 8); f[3] = (byte)smb.Length;
        smb.CopyTo(f, 4);
        return f;
    }

    private static byte[] Smb2NegotiateResponse(ulong messageId)
    {
        var b = new byte[64 + 65];
        var s = b.AsSpan();
        s[0] = 0xFE; s[1] = (byte)'S'; s[2] = (byte)'M'; s[3] = (byte)'B';
        BinaryPrimitives.WriteUInt16LittleEndian(s[4..], 64);
        BinaryPrimitives.WriteUInt16LittleEndian(s[14..], 1);   // credits granted
        BinaryPrimitives.WriteUInt32LittleEndian(s[16..], 1);   // SMB2_FLAGS_SERVER_TO_REDIR
        BinaryPrimitives.WriteUInt64LittleEndian(s[24..], messageId);
        var r = s[64..];
        BinaryPrimitives.WriteUInt16LittleEndian(r, 65);
        BinaryPrimitives.WriteUInt16LittleEndian(r[2..], 1);     // signing enabled
        BinaryPrimitives.WriteUInt16LittleEndian(r[4..], 0x0202);
        RandomNumberGenerator.Fill(r.Slice(8, 16));              // server GUID
        BinaryPrimitives.WriteUInt32LittleEndian(r[28..], 65536);
        BinaryPrimitives.WriteUInt32LittleEndian(r[32..], 65536);
        BinaryPrimitives.WriteUInt32LittleEndian(r[36..], 65536);
        BinaryPrimitives.WriteInt64LittleEndian(r[40..], DateTime.UtcNow.ToFileTimeUtc());
        BinaryPrimitives.WriteUInt16LittleEndian(r[56..], 128);  // security buffer offset (empty buffer)
        return b;
    }

    private static byte[] Smb1NegotiateResponse(ReadOnlySpan<byte> req, int dialect, string domain, string server)
    {
        var dom = Encoding.ASCII.GetBytes(domain + "\0");
        var srv = Encoding.ASCII.GetBytes(server + "\0");
        var b = new byte[32 + 1 + 34 + 2 + 8 + dom.Length + srv.Length];
        var s = b.AsSpan();
        req[..32].CopyTo(s);
        s[5] = 0; s[6] = 0; s[7] = 0; s[8] = 0;                 // status OK
        s[9] = 0x88;                                            // reply, case-insensitive paths
        BinaryPrimitives.WriteUInt16LittleEndian(s[10..], 0x4001); // NT status codes, long names
        s[32] = 17;
        var w = s[33..];
        BinaryPrimitives.WriteUInt16LittleEndian(w, (ushort)dialect);
        w[2] = 0x03;                                            // user-level security, challenge/response
        BinaryPrimitives.WriteUInt16LittleEndian(w[3..], 50);
        BinaryPrimitives.WriteUInt16LittleEndian(w[5..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(w[7..], 16644);
        BinaryPrimitives.WriteUInt32LittleEndian(w[11..], 65536);
        BinaryPrimitives.WriteUInt32LittleEndian(w[19..], 0x000003FD); // capabilities: unicode off, NT SMBs, NT status ...
        BinaryPrimitives.WriteInt64LittleEndian(w[23..], DateTime.UtcNow.ToFileTimeUtc());
        w[33] = 8;                                              // challenge length
        BinaryPrimitives.WriteUInt16LittleEndian(s[67..], (ushort)(8 + dom.Length + srv.Length));
        RandomNumberGenerator.Fill(s.Slice(69, 8));
        dom.CopyTo(s[77..]);
        srv.CopyTo(s[(77 + dom.Length)..]);
        return b;
    }
}
