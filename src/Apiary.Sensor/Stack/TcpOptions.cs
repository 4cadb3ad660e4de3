using System.Buffers.Binary;
using Apiary.Sensor.Personalities;

namespace Apiary.Sensor.Stack;

/// <summary>Builds the TCP options of a SYN+ACK from a personality's layout and what the peer's SYN offered.</summary>
public static class TcpOptions
{
    /// <summary>
    /// Writes the options; returns their length (a multiple of 4). <paramref name="mss"/> overrides the personality's
    /// MSS (IPv6 carries 20 bytes less per segment).
    /// </summary>
    public static int SynAck(Span<byte> o, Personality p, bool peerWs, bool peerSack, bool peerTs, uint tsVal, uint tsEcr, ushort? mss = null)
    {
        bool Usable(string tok) => tok switch
        {
            "W" => peerWs && p.WindowScale >= 0,
            "S" => peerSack && p.SackPermitted,
            "T" => peerTs && p.Timestamps,
            _ => true,
        };
        var n = 0;
        foreach (var group in p.OptionLayout)
        {
            foreach (var alt in group.Split('|'))
            {
                var toks = alt.Split(',', StringSplitOptions.TrimEntries);
                if (!toks.All(Usable)) continue;
                foreach (var tok in toks)
                {
                    if (p.BsdAlignment)
                    {
                        // FreeBSD pads each option to its natural alignment with NOPs.
                        while (tok == "W" && n % 2 != 1) o[n++] = 1;
                        while (tok == "S" && n % 2 != 0) o[n++] = 1;
                        while (tok == "T" && n % 4 != 2) o[n++] = 1;
                    }
                    n += Write(o[n..], tok, p, tsVal, tsEcr, mss ?? p.Mss);
                }
                break;
            }
        }
        if (p.BsdAlignment && n % 4 != 0) o[n++] = 0; // EOL, then zero padding
        while (n % 4 != 0) o[n++] = p.BsdAlignment ? (byte)0 : (byte)1;
        return n;
    }

    /// <summary>Options on segments after the handshake: timestamps when both sides agreed on them.</summary>
    public static int Established(Span<byte> o, bool ts, uint tsVal, uint tsEcr)
    {
        if (!ts) return 0;
        o[0] = 1; o[1] = 1;
        return 2 + Write(o[2..], "T", null, tsVal, tsEcr, 0);
    }

    private static int Write(Span<byte> o, string tok, Personality? p, uint tsVal, uint tsEcr, ushort mss)
    {
        switch (tok)
        {
            case "M":
                o[0] = 2; o[1] = 4; BinaryPrimitives.WriteUInt16BigEndian(o[2..], mss); return 4;
            case "N": o[0] = 1; return 1;
            case "E": o[0] = 0; return 1;
            case "W": o[0] = 3; o[1] = 3; o[2] = (byte)p!.WindowScale; return 3;
            case "S": o[0] = 4; o[1] = 2; return 2;
            case "T":
                o[0] = 8; o[1] = 10;
                BinaryPrimitives.WriteUInt32BigEndian(o[2..], tsVal);
                BinaryPrimitives.WriteUInt32BigEndian(o[6..], tsEcr);
                return 10;
            default: return 0;
        }
    }
}
