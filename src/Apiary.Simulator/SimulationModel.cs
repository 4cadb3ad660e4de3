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

    /// <summary>Zipf exponent spreading the other countries' 29 % (1 = harmonic); ranks follow address space size.</summary>
    public double OtherCountriesZipf { get; init; } = 0.8;

    /// <summary>§5.2.3: "a small increase in the attacks during the late afternoon and evening" (platform local time).</summary>
    public int EveningFromHour { get; init; } = 16;

    /// <summary>Evening ends at midnight local time.</summary>
    public int EveningToHour { get; init; } = 24;

    /// <summary>Arrival rate multiplier in the evening hours.</summary>
    public double EveningFactor { get; init; } = 1.35;

    /// <summary>§5.2.3: "more attacks are observed during week ends": arrival rate multiplier on Saturday and Sunday.</summary>
    public double WeekendFactor { get; init; } = 1.3;

    /// <summary>§5.1 protocol mix of packets from sources: ICMP 1.4 %. Share of scanning sources that ping each target first.</summary>
    public double PingBeforeScanShare { get; init; } = 0.30;

    /// <summary>Share of scanning sources that also ask each target's NetBIOS name (UDP 137), as Windows share scanners do.</summary>
    public double NetbiosNameQueryShare { get; init; } = 0.25;

    /// <summary>Share of three-target sources that are Messenger spammers (UDP 1026/1027 on every target, no TCP).</summary>
    public double MessengerSpamShare { get; init; } = 0.035;

    /// <summary>Share of three-target sources that are SQL Slammer (one UDP 1434 packet per target).</summary>
    public double SlammerShare { get; init; } = 0.02;

    /// <summary>
    /// Mean number of password guesses a NetBIOS (139) attacker makes on an NT server; a Windows 98 share gets
    /// <see cref="Win98GuessFactor"/> of it. These dialogs make port 139 carry over half of the packets (§5.4, Figure 4)
    /// and mach1 receive the most packets (Figure 1).
    /// </summary>
    public double MeanNetbiosGuesses { get; init; } = 150;

    /// <summary>Windows 98 answers share-level logons quickly and has less to enumerate than NT.</summary>
    public double Win98GuessFactor { get; init; } = 0.6;

    /// <summary>Mean SMB logon guesses over port 445 (shorter than 139: 445 has most sources, 139 most packets).</summary>
    public double MeanSmbDirectGuesses { get; init; } = 10;

    /// <summary>Share of single-target sources whose activity is backscatter from a spoofed DoS victim (derived so that 5 % of requests are backscatter).</summary>
    public double MeanBackscatterPackets { get; init; } = 6;

    /// <summary>
    /// Inter-arrival bound inside a source's activity: a source's packets all fall within this span, so a source is
    /// never seen on two days except across midnight (§5.1: sources never come back).
    /// </summary>
    public TimeSpan MaxSourceDuration { get; init; } = TimeSpan.FromMinutes(30);
}
