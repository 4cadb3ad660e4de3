using System.Globalization;
using System.Text;
using Apiary.Core;

namespace Apiary.Fingerprint;

/// <summary>
/// Writes observations as p0f 3.09b writes its log (<c>p0f -o</c>), so Apiary's output can be compared with
/// p0f's line by line: <c>[yyyy/MM/dd HH:mm:ss] mod=syn|cli=addr/port|srv=addr/port|subj=cli|os=...|dist=..|params=..|raw_sig=..</c>
/// and a <c>mod=mtu</c> line after it. Times are UTC (p0f uses the local time zone). IPv6 addresses are
/// written as p0f writes them (eight groups in hex, no "::" compression).
/// </summary>
public static class P0fLogFormat
{
    /// <summary>The signature line and, when p0f reports one, the MTU line.</summary>
    public static IEnumerable<string> Lines(FingerprintObservation o)
    {
        yield return SignatureLine(o);
        if (o.MtuReported) yield return MtuLine(o);
    }

    public static string SignatureLine(FingerprintObservation o)
    {
        var sb = Prefix(o, o.Module);
        var label = o.Match.Label;
        if (label is null) sb.Append("|os=???");
        else sb.Append(label.IsApplication || o.SendSyn ? "|app=" : "|os=").Append(label.Display);
        sb.Append("|dist=").Append(o.DistanceText);
        sb.Append("|params=").Append(o.Params);
        sb.Append("|raw_sig=").Append(o.RawSignature);
        return sb.ToString();
    }

    public static string MtuLine(FingerprintObservation o)
    {
        var sb = Prefix(o, "mtu");
        sb.Append("|link=").Append(o.Link ?? "???");
        sb.Append("|raw_mtu=").Append(o.Mtu?.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    private static StringBuilder Prefix(FingerprintObservation o, string module)
    {
        var t = DateTimeOffset.FromUnixTimeMilliseconds(o.TimestampNs / 1_000_000).UtcDateTime;
        var sb = new StringBuilder(200);
        sb.Append('[').Append(t.ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture)).Append("] mod=").Append(module);
        sb.Append("|cli=").Append(Address(o.Client, o.IpVersion)).Append('/').Append(o.ClientPort);
        sb.Append("|srv=").Append(Address(o.Server, o.IpVersion)).Append('/').Append(o.ServerPort);
        sb.Append("|subj=").Append(o.IsSyn ? "cli" : "srv");
        return sb;
    }

    /// <summary>An address as p0f prints it: dotted quad, or eight uncompressed hex groups for IPv6.</summary>
    public static string Address(IpAddress128 a, int ipVersion)
    {
        if (ipVersion == 4) return a.ToString();
        var groups = new string[8];
        for (var i = 0; i < 4; i++)
        {
            groups[i] = ((a.Hi >> (48 - 16 * i)) & 0xFFFF).ToString("x", CultureInfo.InvariantCulture);
            groups[4 + i] = ((a.Lo >> (48 - 16 * i)) & 0xFFFF).ToString("x", CultureInfo.InvariantCulture);
        }
        return string.Join(':', groups);
    }
}
