namespace Apiary.Fingerprint;

/// <summary>TCP option kinds that p0f names in an option layout (any other kind is written <c>?n</c>).</summary>
public static class TcpOptionKind
{
    public const byte Eol = 0, Nop = 1, Mss = 2, WindowScale = 3, SackPermitted = 4, Sack = 5, Timestamp = 8;

    /// <summary>p0f processes at most this many options per packet (p0f config.h MAX_TCP_OPT).</summary>
    public const int MaxOptions = 24;
}
