namespace Apiary.Simulator;

/// <summary>The attack processes of §5.1 and §5.3 that a simulated source follows.</summary>
public enum SourceKind
{
    /// <summary>Scans mach0, mach1, mach2 in that order within seconds, the same few ports on each (70.4 %, with the two below).</summary>
    ThreeTargetScan,

    /// <summary>Messenger-service spam: UDP 1026 and 1027 to each target in address order.</summary>
    MessengerSpam,

    /// <summary>SQL Slammer: one UDP 1434 packet per target in address order.</summary>
    Slammer,

    /// <summary>A scan that reached only two of the targets (5.6 %).</summary>
    TwoTargetScan,

    /// <summary>Talks to one target, only to its open ports (§5.3, Figure 2).</summary>
    SingleTargetAttack,

    /// <summary>A spoofed-DoS victim answering packets that carried a honeypot's address (the 5 % of Figure 2).</summary>
    Backscatter,
}
