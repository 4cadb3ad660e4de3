using System.Buffers.Binary;
using Apiary.Core;

namespace Apiary.Decode;

/// <summary>
/// TCP options, walked the way p0f v3 walks them so that the layout string equals p0f's olayout:
/// known options (MSS, window scale, SACK permitted, timestamps) are taken at their fixed size even when
/// their length byte disagrees (reported as <c>tcp_option_length_invalid</c>, the walk goes on, as in p0f);
/// SACK and unknown options advance by their length byte; a length that cannot be right stops the walk
/// (reported, and the layout keeps the kind that stopped it, as p0f's does).
/// </summary>
internal static class TcpOptions
{
    public const byte Eol = 0, Nop = 1, Mss = 2, WindowScale = 3, SackPermitted = 4, Sack = 5, Timestamps = 8;

    /// <summary>At most 40 option bytes, so at most 40 kinds, plus one byte for EOL's padding count.</summary>
    private const int MaxKeyLength = 41;

    /// <param name="options">The option bytes (header bytes 20 .. header length).</param>
    /// <param name="frameOffset">Frame offset of the first option byte (for anomaly reports).</param>
    /// <param name="wantLayout">Build <see cref="DecodedPacket.TcpOptionLayout"/> (SYN and SYN+ACK only).</param>
    public static void Parse(ReadOnlySpan<byte> options, int frameOffset, bool wantLayout, ref DecodedPacket p, in DecodeContext ctx)
    {
        Span<byte> key = stackalloc byte[MaxKeyLength];
        var kinds = 0;
        var invalid = false;
        var end = options.Length;
        var i = 0;
        while (i < end)
        {
            var kind = options[i++];
            key[kinds++] = kind;
            switch (kind)
            {
                case Eol:
                    // Everything after EOL is padding; p0f writes its size as eol+N.
                    key[kinds++] = (byte)(end - i);
                    i = end;
                    break;
                case Nop:
                    break;
                case Mss:
                    if (i + 3 > end) goto abort;
                    invalid |= options[i] != 4;
                    p.TcpMss = BinaryPrimitives.ReadUInt16BigEndian(options[(i + 1)..]);
                    i += 3;
                    break;
                case WindowScale:
                    if (i + 2 > end) goto abort;
                    invalid |= options[i] != 3;
                    p.TcpWindowScale = options[i + 1];
                    i += 2;
                    break;
                case SackPermitted:
                    if (i + 1 > end) goto abort;
                    invalid |= options[i] != 2;
                    p.TcpSackPermitted = true;
                    i += 1;
                    break;
                case Sack:
                {
                    // 2 bytes + 1 to 4 blocks of 8 bytes.
                    if (i == end) goto abort;
                    int length = options[i];
                    if (length < 10 || length > 34 || length - 1 > end - i) goto abort;
                    invalid |= (length - 2) % 8 != 0;
                    p.TcpSackBlocks = (byte)((length - 2) / 8);
                    i += length - 1;
                    break;
                }
                case Timestamps:
                    if (i + 9 > end) goto abort;
                    invalid |= options[i] != 10;
                    p.TcpTsPresent = true;
                    p.TcpTsVal = BinaryPrimitives.ReadUInt32BigEndian(options[(i + 1)..]);
                    p.TcpTsEcr = BinaryPrimitives.ReadUInt32BigEndian(options[(i + 5)..]);
                    i += 9;
                    break;
                default:
                {
                    if (i == end) goto abort;
                    int length = options[i];
                    if (length < 2 || length - 1 > end - i) goto abort;
                    i += length - 1;
                    break;
                }
            }
        }
        if (invalid) ctx.Report(ref p, AnomalyNames.TcpOptionLengthInvalid, frameOffset);
        if (wantLayout) p.TcpOptionLayout = TcpOptionLayoutCache.Get(key[..kinds]);
        return;

    abort:
        ctx.Report(ref p, AnomalyNames.TcpOptionLengthInvalid, frameOffset + i - 1);
        if (wantLayout) p.TcpOptionLayout = TcpOptionLayoutCache.Get(key[..kinds]);
    }
}
