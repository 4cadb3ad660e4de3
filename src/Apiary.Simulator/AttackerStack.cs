namespace Apiary.Simulator;

/// <summary>Operating system family a source's SYN packets reveal (what p0f-style fingerprinting will find).</summary>
public enum AttackerOs
{
    /// <summary>Windows 2000/XP SYN: TTL 128, window 65535 or 16384, mss,nop,nop,sok, DF (p0f "Windows XP" / "NT kernel 5.x").</summary>
    Windows,

    /// <summary>Linux 2.4/2.6 SYN: TTL 64, window mss*4, mss,sok,ts,nop,ws, DF (p0f "Linux 2.4.x" / "2.6.x").</summary>
    Linux,

    /// <summary>SYNs no p0f v3 signature matches (odd TTL, window and option order): crafted packets or rare stacks.</summary>
    Unrecognised,

    /// <summary>The source sends no TCP SYN at all (backscatter, UDP worms, Messenger spam): nothing to fingerprint.</summary>
    NoSyn,
}

/// <summary>
/// How a source's TCP/IP stack writes its packets: initial TTL, SYN window and options, DF, IP ID and ephemeral
/// ports. Signatures follow /etc/p0f/p0f.fp (p0f v3) so that p0f and the project's matcher classify them.
/// </summary>
public sealed class AttackerStack
{
    private readonly byte[] _synOptions;

    private AttackerStack(AttackerOs os, byte initialTtl, ushort synWindow, byte[] synOptions, bool dontFragment, ushort ephemeralLow, ushort ephemeralHigh, ushort dataWindow)
    {
        Os = os;
        InitialTtl = initialTtl;
        SynWindow = synWindow;
        _synOptions = synOptions;
        DontFragment = dontFragment;
        EphemeralLow = ephemeralLow;
        EphemeralHigh = ephemeralHigh;
        DataWindow = dataWindow;
    }

    public AttackerOs Os { get; }
    public byte InitialTtl { get; }
    public ushort SynWindow { get; }
    public ReadOnlySpan<byte> SynOptions => _synOptions;
    public bool DontFragment { get; }
    public ushort EphemeralLow { get; }
    public ushort EphemeralHigh { get; }
    public ushort DataWindow { get; }

    /// <summary>Whether the SYN carries a timestamp option (its TSval must be filled per packet).</summary>
    public int TimestampOffset { get; private init; } = -1;

    /// <summary>Windows retries a connect() that was answered by RST twice more (3 SYNs in all).</summary>
    public int SynAttemptsOnReset => Os == AttackerOs.Windows ? 3 : 1;

    // mss 1460, nop, nop, sackOK: Windows 2000/XP.
    private static readonly byte[] WindowsOptions = [2, 4, 0x05, 0xB4, 1, 1, 4, 2];

    // mss 1460, sackOK, timestamp (10 bytes), nop, wscale 0: Linux 2.4.
    private static readonly byte[] Linux24Options = [2, 4, 0x05, 0xB4, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 0];

    // Same layout, wscale 7: Linux 2.6.
    private static readonly byte[] Linux26Options = [2, 4, 0x05, 0xB4, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 7];

    // wscale first, then mss 1380, nop, eol: an order no p0f v3 signature has (crafting tools, rare stacks).
    private static readonly byte[] OddOptionsA = [3, 3, 2, 1, 2, 4, 0x05, 0x64, 1, 0, 0, 0];

    // sackOK then mss, no nop padding.
    private static readonly byte[] OddOptionsB = [4, 2, 2, 4, 0x05, 0xA0, 1, 1];

    /// <summary>One of the stacks of <paramref name="os"/>, chosen with <paramref name="rng"/>.</summary>
    public static AttackerStack Create(AttackerOs os, SimRandom rng)
    {
        switch (os)
        {
            case AttackerOs.Windows:
                // XP and 2000 SYNs in 2003 used 65535 (most broadband) or 16384 (default LAN) windows.
                return new AttackerStack(os, 128, rng.Chance(0.7) ? (ushort)65535 : (ushort)16384, WindowsOptions, true, 1025, 5000, 17520);
            case AttackerOs.Linux:
                var is26 = rng.Chance(0.4);
                // p0f's "mss*4": window is four times the MSS (1460 * 4 = 5840).
                return new AttackerStack(os, 64, 5840, is26 ? Linux26Options : Linux24Options, true, 32768, 61000, 5840) { TimestampOffset = 8 };
            case AttackerOs.Unrecognised:
                return rng.Chance(0.5)
                    ? new AttackerStack(os, 255, 31337, OddOptionsA, false, 1024, 65000, 31337)
                    : new AttackerStack(os, 32, 4128, OddOptionsB, false, 2000, 60000, 4128);
            default:
                // Sources that send no SYN still need an IP identity for what they do send.
                return new AttackerStack(os, 255, 0, [], false, 1024, 65000, 0);
        }
    }
}
