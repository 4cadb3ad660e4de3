using System.Buffers.Binary;

namespace Apiary.Decode;

/// <summary>How a walk of the IPv6 extension header chain ended.</summary>
internal enum ChainStatus : byte
{
    /// <summary>Reached an upper-layer protocol (or ESP / no-next-header, which end the chain).</summary>
    Complete,
    /// <summary>A fragment header with a non-zero offset: what follows is the middle of someone's payload.</summary>
    LaterFragment,
    /// <summary>The captured bytes ended inside the chain.</summary>
    CaptureEnded,
    /// <summary>An extension header claims bytes beyond the IPv6 payload length.</summary>
    BeyondPayload,
    /// <summary>More than <see cref="Ipv6ExtensionChain.MaxHeaders"/> extension headers.</summary>
    TooLong,
}

/// <summary>Result of <see cref="Ipv6ExtensionChain.Walk"/>.</summary>
internal struct ExtensionChainResult
{
    public ChainStatus Status;
    /// <summary>The last next-header value read: the upper-layer protocol when Complete.</summary>
    public byte NextHeader;
    /// <summary>Frame offset after the last extension header decoded.</summary>
    public int End;
    public bool HasFragmentHeader;
    public uint FragmentId;
    public int FragmentOffset;
    public bool MoreFragments;
}

/// <summary>
/// Walks hop-by-hop (0), routing (43), fragment (44), destination options (60) and AH (51) headers.
/// ESP (50) and no-next-header (59) end the chain like an upper-layer protocol (nothing after them is readable).
/// </summary>
internal static class Ipv6ExtensionChain
{
    /// <summary>
    /// Extension headers followed per packet. RFC 8200 allows each type once (destination options twice), so
    /// a legitimate chain has at most 6; longer chains are an evasion trick and are cut here.
    /// </summary>
    public const int MaxHeaders = 8;

    public const byte HopByHop = 0, Routing = 43, Fragment = 44, DestinationOptions = 60, AuthenticationHeader = 51;
    private const int FragmentHeaderLength = 8;

    public static bool IsExtension(byte nextHeader) =>
        nextHeader is HopByHop or Routing or Fragment or DestinationOptions or AuthenticationHeader;

    /// <param name="frame">The captured frame.</param>
    /// <param name="start">Frame offset of the first header after the fixed IPv6 header.</param>
    /// <param name="payloadEnd">Frame offset where the IPv6 payload ends according to its length field.</param>
    /// <param name="nextHeader">The fixed header's next-header value.</param>
    public static ExtensionChainResult Walk(ReadOnlySpan<byte> frame, int start, int payloadEnd, byte nextHeader)
    {
        var r = new ExtensionChainResult { NextHeader = nextHeader, End = start, Status = ChainStatus.Complete };
        var count = 0;
        while (IsExtension(r.NextHeader))
        {
            if (++count > MaxHeaders)
            {
                r.Status = ChainStatus.TooLong;
                return r;
            }
            var at = r.End;
            var needed = r.NextHeader == Fragment ? FragmentHeaderLength : 2;
            if (at + needed > payloadEnd)
            {
                r.Status = ChainStatus.BeyondPayload;
                return r;
            }
            if (at + needed > frame.Length)
            {
                r.Status = ChainStatus.CaptureEnded;
                return r;
            }
            var length = r.NextHeader switch
            {
                Fragment => FragmentHeaderLength,
                AuthenticationHeader => (frame[at + 1] + 2) * 4, // AH counts 4-byte words minus 2 (RFC 4302)
                _ => (frame[at + 1] + 1) * 8,                     // others count 8-byte words minus 1
            };
            if (at + length > payloadEnd)
            {
                r.Status = ChainStatus.BeyondPayload;
                return r;
            }
            var isFragment = r.NextHeader == Fragment;
            r.NextHeader = frame[at];
            r.End = at + length;
            if (isFragment)
            {
                var offsetAndFlags = BinaryPrimitives.ReadUInt16BigEndian(frame[(at + 2)..]);
                r.HasFragmentHeader = true;
                r.FragmentOffset = offsetAndFlags & 0xFFF8;
                r.MoreFragments = (offsetAndFlags & 1) != 0;
                r.FragmentId = BinaryPrimitives.ReadUInt32BigEndian(frame[(at + 4)..]);
                if (r.FragmentOffset != 0)
                {
                    r.Status = ChainStatus.LaterFragment;
                    return r;
                }
            }
        }
        return r;
    }
}
