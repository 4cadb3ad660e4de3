namespace Apiary.Simulator;

/// <summary>
/// Every number the simulator is calibrated on, with the figure of Dacier, Pouget and Debar (2004, section 5)
/// that it reproduces. docs/simulator.md lists them; tests recover them from the generated captures.
/// Defaults are the paper's; a caller may change any of them (init-only).
/// </summary>
public sealed record SimulationModel
{
    /// <summary>§5.1: 6285 sources in 4 months (March-June 2003).</summary>
    public double SourcesPerMonth { get; init; } = 6285.0 / 4.0;

    /// <summary>§5.1: 70.4 % of sources hit all three targets within seconds.</summary>
    public double ThreeTargetShare { get; init; } = 0.704;

    /// <summary>§5.1: 5.6 % of sources hit exactly two targets.</summary>
    public double TwoTargetShare { get; init; } = 0.056;

    /// <summary>§5.3 (Figure 2): share of single-target requests that go to open ports; the rest is backscatter.</summary>
    public double SingleTargetOpenRequestShare { get; init; } = 0.95;

    /// <summary>§5.3: the largest scan probes 9 ports on each machine.</summary>
    public int MaxPortsPerScan { get; init; } = 9;

    /// <summary>
    /// How many ports a scanning source probes on each target (index = count - 1). Chosen so most scans are
    /// targeted (one to three ports) and a 9-port scan happens a few times in four months (§5.3).
    /// </summary>
    public IReadOnlyList<double> PortsPerScanWeights { get; init; } = [0.62, 0.22, 0.09, 0.035, 0.015, 0.009, 0.006, 0.003, 0.002];

    /// <summary>Seconds between a scanner's consecutive targets (mach0 then mach1 then mach2): "a few seconds" (§5.1).</summary>
    public double MeanSecondsBetweenTargets { get; init; } = 1.2;

    /// <summary>§5.2.2: 71 % of sources have Windows TCP SYN signatures.</summary>
    public double WindowsShare { get; init; } = 0.71;

    /// <summary>§5.2.2: 22 % of sources are not recognised (odd SYNs, or no SYN at all such as backscatter).</summary>
    public double UnrecognisedShare { get; init; } = 0.22;

    /// <summary>§5.2.1: AU, NL, US source shares; the rest spread over <see cref="OtherCountries"/> countries.</summary>
    public IReadOnlyList<(string Country, double Share)> TopCountries { get; init; } = [("AU", 0.33), ("NL", 0.21), ("US", 0.17)];

    /// <summary>§5.2.1: attacks also came from 85 other countries.</summary>
    public int OtherCountries { get; init; } = 85;

    /// <summary>Zipf exponent spreading the other countries' 29 % (1 = harmonic); ranks follow address space size. The paper gives no shape.</summary>
    public double OtherCountriesZipf { get; init; } = 0.8;

    /// <summary>§5.2.3: "a small increase in the attacks during the late afternoon and evening" (platform local time).</summary>
    public int EveningFromHour { get; init; } = 16;

    /// <summary>Evening ends at midnight local time.</summary>
    public int EveningToHour { get; init; } = 24;

    /// <summary>Arrival rate multiplier in the evening hours: §5.2.3 says "a small increase" without a number; 35 % is our reading.</summary>
    public double EveningFactor { get; init; } = 1.35;

    /// <summary>§5.2.3: "more attacks are observed during week ends": arrival rate multiplier on Saturday and Sunday (no number in the paper; 30 % is our reading).</summary>
    public double WeekendFactor { get; init; } = 1.3;

    /// <summary>
    /// Share of scanning sources that ping each target first (1-4 echo requests). Calibrated on §5.1: "The vast
    /// majority of the observed packets were TCP ones (97.9 %). Others were ICMP (1.4 %) and UDP packets (0.7 %)."
    /// </summary>
    public double PingBeforeScanShare { get; init; } = 0.42;

    /// <summary>
    /// Share of scanning sources that also ask each target's NetBIOS name (UDP 137), as Windows share scanners do.
    /// With <see cref="MessengerSpamShare"/> and <see cref="SlammerShare"/>, calibrated on §5.1's "UDP packets (0.7 %)".
    /// </summary>
    public double NetbiosNameQueryShare { get; init; } = 0.32;

    /// <summary>Share of three-target sources that are Messenger spammers (UDP 1026/1027 on every target, no TCP); part of §5.1's UDP 0.7 %.</summary>
    public double MessengerSpamShare { get; init; } = 0.08;

    /// <summary>Share of three-target sources that are SQL Slammer (one UDP 1434 packet per target); part of §5.1's UDP 0.7 %.</summary>
    public double SlammerShare { get; init; } = 0.02;

    /// <summary>
    /// Mean password guesses (one SMB session setup each) a scanning source makes on an open NetBIOS share (139)
    /// of the NT server; a Windows 98 share gets <see cref="Win98GuessFactor"/> of it. Calibrated with
    /// <see cref="TargetedNetbiosGuesses"/> so that "Port 139 stands clearly out with more than 50 % of the received
    /// packets" (§5.4, Figure 4) and mach1 "is a lot more responsive" (§5.3, Figure 1).
    /// </summary>
    public double MeanNetbiosGuesses { get; init; } = 47;

    /// <summary>
    /// Mean password guesses of a single-target attacker on port 139. §5.3: those sources "were always,
    /// systematically, sending requests to ports that were open": they come for the share and keep guessing.
    /// Calibrated for §5.4's "more than 50 %" on 139 and Figure 3's 23-53 % closed-port share (their open-port
    /// traffic is what keeps the closed share of each target below one half).
    /// </summary>
    public double TargetedNetbiosGuesses { get; init; } = 657;

    /// <summary>
    /// Share of single-target attackers of a target with port 139 open who come for the share (the others pick among
    /// the target's open ports by popularity). §5.4: "Whenever an attacking machine discovers that this port is
    /// open, it sends a large number of requests aimed at gathering information about the target."
    /// </summary>
    public double TargetedNetbiosPreference { get; init; } = 0.7;

    /// <summary>
    /// Guesses on the Windows 98 share relative to the NT server's: §5.3, "Mach1, the NT server, is a lot more
    /// responsive than mach0 and mach2" (Figure 1). At 0.9 mach0 still received as many packets as mach1 (39.7 vs
    /// 38.8 %): mach0's single-target attackers mostly come for 139 (its only other open TCP port is 445), while
    /// mach1's spread over five open ports. 0.8 puts mach1 first by about 3 points; <see cref="MeanNetbiosGuesses"/>
    /// was raised with it so that 139 keeps more than half of the packets.
    /// </summary>
    public double Win98GuessFactor { get; init; } = 0.8;

    /// <summary>Mean SMB logon guesses over port 445 (shorter than 139: §5.4 says 445 has the most sources, 139 the most packets).</summary>
    public double MeanSmbDirectGuesses { get; init; } = 2;

    /// <summary>
    /// Mean FTP login guesses (USER + PASS) of a single-target attacker on an open ftp server (§4: mach1 and mach2
    /// run one). Calibrated so that mach2, which "had all Windows specific ports close" (§5.3), still stays
    /// within Figure 3's 23-53 % closed-port share.
    /// </summary>
    public double TargetedFtpGuesses { get; init; } = 150;

    /// <summary>
    /// Mean connection attempts (geometric, at least one) a scanning tool makes to a port that answers with a reset
    /// (<see cref="PortCatalogue.RetriesWhenRefused"/>: brute-forcers and proxy checkers; worms try once); each
    /// attempt is one SYN from most stacks and three from Windows (which retries a refused connect twice).
    /// Calibrated so that requests to closed ports are 23-53 % of each target's requests (§5.3, Figure 3).
    /// </summary>
    public double ClosedPortAttempts { get; init; } = 19;

    /// <summary>
    /// Mean packets a spoofed-DoS victim sends back to one honeypot address (SYN+ACK, RST, ICMP errors, seconds apart).
    /// The share of single-target sources that are such victims is then derived so that backscatter is 5 % of
    /// single-target packets: §5.3, "In over than 95 % of the cases, the attackers have made no mistake. The 5%
    /// remaining requests are identified as traces of some Denial-of-Service activity." A flood lasts a while, so
    /// victims are few and each sends many packets.
    /// </summary>
    public double MeanBackscatterPackets { get; init; } = 400;

    /// <summary>
    /// Inter-arrival bound inside a source's activity: a source's packets all fall within this span, so a source is
    /// never seen on two days except across midnight (§5.1: sources never come back).
    /// </summary>
    public TimeSpan MaxSourceDuration { get; init; } = TimeSpan.FromMinutes(30);
}
