using Apiary.Core;

namespace Apiary.Decode;

/// <summary>
/// One layer's decoder. <paramref name="frame"/> is the whole captured frame (so offsets stored in the
/// packet are frame offsets); the layer starts at <paramref name="offset"/> and, according to the headers
/// around it, ends at <paramref name="end"/>, which may lie beyond the captured bytes when the frame was snapped.
/// </summary>
internal delegate void LayerDecoder(ReadOnlySpan<byte> frame, int offset, int end, ref DecodedPacket p, in DecodeContext ctx);
