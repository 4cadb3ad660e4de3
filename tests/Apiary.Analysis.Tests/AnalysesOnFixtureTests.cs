using Apiary.Store;
using Apiary.Analysis.Analyses;
using Xunit;
using static Apiary.Analysis.Tests.PaperFixture;

namespace Apiary.Analysis.Tests;

/// <summary>Each analysis on <see cref="PaperFixture"/>; every expected value is derived in PaperFixture's comments.</summary>
public sealed class AnalysesOnFixtureTests : IDisposable
{
    private readonly FixtureStore _fixture = Build();

    public void Dispose() => _fixture.Dispose();

    private AnalysisResult Run(IAnalysis analysis, bool testbed = true) =>
        analysis.Run(new AnalysisContext(_fixture.Store, testbed ? PaperFixture.Inventory() : null));

    private static double F(AnalysisResult r, string key) =>
        r.FindFigure(key)?.Value ?? throw new Xunit.Sdk.XunitException($"{r.Name}: figure {key} missing or null");

    private static object? Cell(AnalysisResult r, string table, string column, params (string Column, object Value)[] where)
    {
        var t = r.FindTable(table) ?? throw new Xunit.Sdk.XunitException($"{r.Name}: table {table} missing");
        var rows = t.Rows.Where(row => where.All(w => Equals(row[t.Index(w.Column)], w.Value))).ToList();
        Assert.Single(rows);
        return rows[0][t.Index(column)];
    }

    private const int P = 9; // decimal places compared

    [Fact]
    public void Totals()
    {
        var r = Run(new TotalsAnalysis());
        Assert.Null(r.Unavailable);
        Assert.Equal(21, F(r, "packets"));
        Assert.Equal(6, F(r, "sources"));
        Assert.Equal(5, F(r, "addresses"));
        Assert.Equal(2928, F(r, "observed_hours"), P);
        Assert.Equal(6.0 / 2928, F(r, "new_sources_per_hour"), P);
        Assert.Equal(100.0 * 19 / 21, F(r, "tcp_pct"), P);
        Assert.Equal(100.0 / 21, F(r, "udp_pct"), P);
        Assert.Equal(100.0 / 21, F(r, "icmp_pct"), P);
        Assert.Equal(0, F(r, "other_pct"), P);
        Assert.Equal(8, F(r, "distinct_ports"));
        Assert.Equal(7, F(r, "distinct_request_ports"));
        Assert.Equal(1, F(r, "backscatter_packets"));
    }

    [Fact]
    public void Totals_WithoutTestbed_CountsEveryIpPacket()
    {
        var r = Run(new TotalsAnalysis(), testbed: false);
        Assert.Equal(23, F(r, "packets"));
        // A, B, C (one visit: 37 h gap > 25 h makes two), D, E, mach1 replying, mach0 in July.
        Assert.Equal(8, F(r, "sources"));
    }

    [Fact]
    public void Sessions()
    {
        var r = Run(new SessionsAnalysis());
        Assert.Equal(6, F(r, "large_sessions"));
        Assert.Equal(9, F(r, "tiny_sessions")); // A 3, B 2, C on mach1 twice, D 1, E 1
    }

    [Fact]
    public void Sessions_GapIsAParameter()
    {
        var ctx = new AnalysisContext(_fixture.Store, PaperFixture.Inventory(), new AnalysisOptions { SourceGap = TimeSpan.FromHours(48), TinySessionGap = TimeSpan.FromHours(48) });
        var r = new SessionsAnalysis().Run(ctx);
        Assert.Equal(5, F(r, "large_sessions")); // C's two visits merge
        Assert.Equal(8, F(r, "tiny_sessions"));
    }

    [Fact]
    public void TargetsPerSource()
    {
        var r = Run(new TargetsPerSourceAnalysis());
        Assert.Equal(100.0 / 6, F(r, "three_targets_pct"), P);
        Assert.Equal(100.0 / 6, F(r, "two_targets_pct"), P);
        Assert.Equal(400.0 / 6, F(r, "one_target_pct"), P);
        Assert.Equal(3.5, F(r, "median_time_to_cover_s"), P);
        Assert.Equal(2.0, (double)Cell(r, "distribution", "median_time_to_cover_s", ("targets", 3L))!, P);
        Assert.Equal(5.0, (double)Cell(r, "distribution", "median_time_to_cover_s", ("targets", 2L))!, P);
        Assert.Equal(4L, Cell(r, "distribution", "sources", ("targets", 1L)));
    }

    [Fact]
    public void TargetOrder()
    {
        var r = Run(new TargetOrderAnalysis());
        Assert.Equal(2, F(r, "multi_target_sources"));
        Assert.Equal(2, F(r, "distinct_sequences"));
        Assert.Equal(50, F(r, "top_sequence_pct"), P);
        Assert.Equal(100, F(r, "inventory_order_pct"), P);
        Assert.Equal(1L, Cell(r, "sequences", "sources", ("sequence", "mach0 -> mach1 -> mach2")));
        Assert.Equal(2L, Cell(r, "delays", "sources", ("step", "mach0 -> mach1")));
        Assert.Equal(3.0, (double)Cell(r, "delays", "median_s", ("step", "mach0 -> mach1"))!, P);
        Assert.Equal(5.0, (double)Cell(r, "delays", "max_s", ("step", "mach0 -> mach1"))!, P);
        Assert.Equal(1.0, (double)Cell(r, "delays", "median_s", ("step", "mach1 -> mach2"))!, P);
    }

    [Fact]
    public void SourceLifetime()
    {
        var r = Run(new SourceLifetimeAnalysis());
        Assert.Equal(2.75, F(r, "median_lifetime_s"), P); // lifetimes 0, 0.5, 2.5, 3, 5, 10 s
        Assert.Equal(10.0 / 3600, F(r, "max_lifetime_h"), P);
        Assert.Equal(0, F(r, "over_one_day_pct"), P);
        Assert.Equal(20, F(r, "returning_addresses_pct"), P);
        Assert.Equal(37 - 3.0 / 3600, F(r, "median_return_gap_h"), P);
        Assert.Equal(1L, Cell(r, "lifetime", "sources", ("lifetime", "0 s (one instant)")));
        Assert.Equal(4L, Cell(r, "lifetime", "sources", ("lifetime", "< 10 s")));
        Assert.Equal(1L, Cell(r, "lifetime", "sources", ("lifetime", "< 1 min")));
    }

    [Fact]
    public void AttackerOs_NotFingerprinted_SaysSo()
    {
        var r = Run(new AttackerOsAnalysis());
        Assert.StartsWith("not fingerprinted", r.Unavailable);
    }

    [Fact]
    public void Geography_NotEnriched_SaysSo()
    {
        var r = Run(new GeographyAnalysis());
        Assert.StartsWith("not enriched", r.Unavailable);
    }

    [Fact]
    public void Geography()
    {
        _fixture.Store.Execute("CREATE TABLE sources (platform VARCHAR, address VARCHAR, country VARCHAR, asn INTEGER)");
        _fixture.Store.Execute($"INSERT INTO sources VALUES ('eurecom', '{A}', 'AU', 1), ('eurecom', '{B}', 'NL', 2), ('eurecom', '{C}', 'AU', 1), ('eurecom', '{D}', 'US', 3)");
        var r = Run(new GeographyAnalysis());
        Assert.Null(r.Unavailable);
        Assert.Equal(3, F(r, "countries"));
        Assert.Equal(500.0 / 6, F(r, "top3_pct"), P);
        Assert.Equal(50, F(r, "first_country_pct"), P);
        Assert.Equal(100.0 / 6, F(r, "unlocated_pct"), P);
        Assert.Equal(2L, Cell(r, "countries_monthly", "sources", ("month", "2003-04"), ("country", "AU")));
        Assert.InRange(F(r, "monthly_chi2_p"), 0, 1);
    }

    [Fact]
    public void AttackerOs_FromFingerprints()
    {
        // The fingerprints come with the store schema (docs/schema.md): an outcome per label, the SYNs' packet rows
        // carrying them (frames 1 and 2 are A's first SYNs, 8 is B's, 10 is C's).
        static long Fp(int sigId) => new Apiary.Core.PacketFingerprint { Present = true, SignatureId = sigId, Syn = true }.Packed;
        _fixture.Store.Execute($"""
            INSERT INTO fingerprint_signatures (file_id, sig_id, raw_sig, label_type, os_class, os_name, is_app, fuzzy, params, fp_db)
            VALUES (1, 1, 'sig', 's', 'win', 'Windows', false, false, '', 'p0f.fp'), (1, 2, 'sig', 'g', 'unix', 'Linux', false, false, '', 'p0f.fp'),
                   (1, 3, 'sig', NULL, NULL, NULL, false, false, '', 'p0f.fp');
            UPDATE packet_rows SET fp = CASE frame WHEN 1 THEN {Fp(1)} WHEN 2 THEN {Fp(1)} WHEN 8 THEN {Fp(2)} ELSE {Fp(3)} END
            WHERE file_id = 1 AND frame IN (1, 2, 8, 10);
            """);
        Assert.Equal(
            [$"1|{A}", $"2|{A}", $"8|{B}", $"10|{C}"],
            _fixture.Store.Query("SELECT frame, src FROM fingerprints ORDER BY frame").Rows.Select(x => $"{x[0]}|{x[1]}").ToList());
        var r = Run(new AttackerOsAnalysis());
        Assert.Null(r.Unavailable);
        Assert.Equal(100.0 / 6, F(r, "windows_pct"), P);
        Assert.Equal(200.0 / 6, F(r, "unknown_pct"), P);      // C's two visits
        Assert.Equal(200.0 / 6, F(r, "no_fingerprint_pct"), P); // D, E
        Assert.Equal(25, F(r, "windows_of_fingerprinted_pct"), P);
    }

    [Fact]
    public void Timing_LocalTimeAndWeekend()
    {
        var r = Run(new TimingAnalysis());
        Assert.Equal(7L, Cell(r, "hour_of_day", "packets", ("hour", 11L)));   // A (UTC+1) and C's return (UTC+2)
        Assert.Equal(10L, Cell(r, "hour_of_day", "packets", ("hour", 22L)));  // C and E on Saturday 20:00 UTC (UTC+2)
        Assert.Equal(2L, Cell(r, "hour_of_day", "new_sources", ("hour", 22L)));
        Assert.Equal(2L, Cell(r, "hour_of_day", "packets", ("hour", 5L)));
        // Observed: 2003-03-01 01:00 to 2003-07-01 02:00 Paris time: 18 Saturdays and 18 Sundays, minus the
        // first hour (window starts 01:00) and the DST hour of 30 March = 862 weekend hours of 2928.
        Assert.Equal(862, (double)Cell(r, "weekday", "observed_hours", ("day", "Sat"))! + (double)Cell(r, "weekday", "observed_hours", ("day", "Sun"))!, P);
        Assert.Equal(2.0 / 862 / (4.0 / 2066), F(r, "weekend_ratio_sources"), P);
        Assert.Equal(10.0 / 862 / (11.0 / 2066), F(r, "weekend_ratio_packets"), P);
    }

    [Fact]
    public void TargetsMonthly_Figure1()
    {
        var r = Run(new TargetsMonthlyAnalysis());
        Assert.Equal(37.5, (double)Cell(r, "packets", "share", ("month", "2003-03"), ("target", "mach0"))!, P);
        Assert.Equal(25.0, (double)Cell(r, "packets", "share", ("month", "2003-03"), ("target", "mach2"))!, P);
        Assert.Equal(100.0 * 5 / 11, (double)Cell(r, "packets", "share", ("month", "2003-04"), ("target", "mach1"))!, P);
        Assert.Equal(50.0, (double)Cell(r, "sources", "share", ("month", "2003-03"), ("target", "mach2"))!, P);
        Assert.Equal(200.0 / 3, (double)Cell(r, "sources", "share", ("month", "2003-04"), ("target", "mach1"))!, P);
        Assert.Equal(100.0 * 9 / 21, F(r, "packets_pct_mach0"), P);
        Assert.Equal(100.0 * 4 / 9, F(r, "contacts_pct_mach1"), P);
    }

    [Fact]
    public void Scans()
    {
        var r = Run(new ScansAnalysis());
        Assert.Equal(3, F(r, "scanning_sources"));
        Assert.Equal(50, F(r, "scanning_pct"), P);
        Assert.Equal(6, F(r, "largest_scan_ports"));
        Assert.Equal(6, F(r, "largest_scan_all_ports"));
        Assert.Equal(2, F(r, "median_scan_ports"), P);
        Assert.Equal(25, F(r, "single_target_scanning_pct"), P);
    }

    [Fact]
    public void SingleTargetOpenPorts_Figure2()
    {
        var r = Run(new SingleTargetOpenPortsAnalysis());
        Assert.Equal(800.0 / 13, F(r, "open_pct"), P);
        Assert.Equal(100.0 / 13, F(r, "backscatter_pct"), P);
        Assert.Equal(300.0 / 13, F(r, "closed_pct"), P);
        Assert.Equal(100.0 / 13, F(r, "no_port_pct"), P);
        Assert.Equal(800.0 / 12, F(r, "open_of_requests_pct"), P);
        Assert.Equal(80.0, (double)Cell(r, "open_share", "open_share", ("month", "2003-04"), ("target", "mach1"))!, P);
        Assert.Equal(0.0, (double)Cell(r, "open_share", "open_share", ("month", "2003-05"), ("target", "mach2"))!, P);
    }

    [Fact]
    public void SingleTargetOpenPorts_NeedsTestbed()
    {
        var r = Run(new SingleTargetOpenPortsAnalysis(), testbed: false);
        Assert.Contains("testbed", r.Unavailable);
    }

    [Fact]
    public void ClosedPorts_Figure3()
    {
        var r = Run(new ClosedPortsAnalysis());
        Assert.Equal(100.0 * 2 / 9, F(r, "closed_pct_mach0"), P);
        Assert.Equal(0, F(r, "closed_pct_mach1"), P);
        Assert.Equal(100, F(r, "closed_pct_mach2"), P);
        Assert.Equal(100.0 * 2 / 6, (double)Cell(r, "closed_share", "closed_share", ("month", "2003-04"), ("target", "mach0"))!, P);
        Assert.Equal(4L, Cell(r, "closed_share", "requests", ("month", "2003-04"), ("target", "mach1")));
    }

    [Fact]
    public void Ports_Figure4()
    {
        var r = Run(new PortsAnalysis());
        Assert.Equal(30, F(r, "top_port"), P);
        Assert.Equal(20, F(r, "port_139_pct"), P);
        Assert.Equal(7, F(r, "ports_with_requests"));
        Assert.Equal(6L, Cell(r, "all_ports", "packets", ("port", "80/tcp")));
        Assert.Equal(3L, Cell(r, "all_ports", "sources", ("port", "80/tcp")));
        Assert.Equal(0L, Cell(r, "all_ports", "requests", ("port", "3000/tcp")));
        Assert.Equal(1L, Cell(r, "all_ports", "packets", ("port", "137/udp")));
    }

    [Fact]
    public void PortSourcesMonthly_Figure5()
    {
        var r = Run(new PortSourcesMonthlyAnalysis());
        Assert.StartsWith("Port requested by the most sources: 80/tcp", r.FindFigure("most_sources_port")!.Label);
        Assert.Equal(3, F(r, "most_sources_port"));
        Assert.Equal(2L, Cell(r, "sources_per_port", "sources", ("month", "2003-04"), ("port", "21/tcp")));
        Assert.Equal(1L, Cell(r, "sources_per_port", "sources", ("month", "2003-03"), ("port", "139/tcp")));
    }

    [Fact]
    public void AttackRate()
    {
        var r = Run(new AttackRateAnalysis());
        Assert.Equal(2928, F(r, "hours"));
        var mean = 6.0 / 2928;
        Assert.Equal(mean, F(r, "mean_per_hour"), P);
        var variance = (4 * 1.0 + 1 * 4.0 - 2928 * mean * mean) / 2927; // four hours with 1, one hour with 2
        Assert.Equal(variance, F(r, "variance_per_hour"), P);
        Assert.Equal(variance / mean, F(r, "dispersion_index"), P);
        Assert.Equal(2, F(r, "max_per_hour"));
        Assert.Equal(2923L, Cell(r, "per_hour", "hours", ("new_sources", 0L)));
    }

    [Fact]
    public void InterArrival()
    {
        var r = Run(new InterArrivalAnalysis());
        var firsts = new[] { T0, TB, TC, TE, TC2, TD };
        var gaps = firsts.Zip(firsts.Skip(1), (a, b) => (b - a).TotalSeconds).Order().ToArray();
        Assert.Equal(5, F(r, "samples"));
        Assert.Equal(gaps[2], F(r, "median_s"), 6);
        Assert.Equal(gaps.Average(), F(r, "mean_s"), 6);
        Assert.Equal(3, r.FindTable("fits")!.Rows.Count);
    }

    [Fact]
    public void Simultaneity()
    {
        var r = Run(new SimultaneityAnalysis());
        Assert.Equal(2, F(r, "max_active"));  // C and E on 5 April
        Assert.Equal(0, F(r, "median_active"));
    }

    [Fact]
    public void Stability()
    {
        var r = Run(new StabilityAnalysis());
        Assert.Equal(3, F(r, "months"));
        Assert.Equal(3L, Cell(r, "new_sources_monthly", "new_sources", ("month", "2003-04")));
        Assert.Equal(1L, Cell(r, "new_sources_monthly", "new_sources", ("month", "2003-05")));
    }

    [Fact]
    public void DataQuality()
    {
        var r = Run(new DataQualityAnalysis());
        Assert.Equal(1, F(r, "files"));
        Assert.Equal(4, F(r, "anomalies"));
        Assert.Equal(23, F(r, "packets_selected"));
        Assert.Equal(1, F(r, "packets_outside_capture_periods"));
        Assert.Equal(200.0 / 23, F(r, "packets_not_incoming_pct"), P);
        Assert.Equal(3L, Cell(r, "anomalies", "count", ("name", "ipv4_header_length_too_short")));
        // The file behind the anomalies, by path, with its anomaly names (most frequent first).
        Assert.Equal(1, F(r, "files_with_problems"));
        var problem = Assert.Single(r.FindTable("problem_files")!.Rows);
        Assert.Equal(["/x/1.pcap", "complete", "no", 4L, "ipv4_header_length_too_short 3, tcp_header_truncated 1"], [problem[0], problem[2], problem[3], problem[4], problem[5]]);
        // Busy hours: 2003-03-03 10h, 03-04 12h, 04-05 20h, 04-07 09h, 05-14 03h inside [03-01, 07-01): six silences.
        Assert.Equal(6, r.FindTable("capture_gaps")!.Rows.Count);
        Assert.Equal(2928 - 5, F(r, "capture_gap_hours"), P);
    }

    [Fact]
    public void Filters_FromToPlatform()
    {
        var ctx = new AnalysisContext(_fixture.Store, PaperFixture.Inventory(), new AnalysisOptions { From = new DateTime(2003, 4, 1, 0, 0, 0, DateTimeKind.Utc), To = new DateTime(2003, 5, 1, 0, 0, 0, DateTimeKind.Utc) });
        var r = new TotalsAnalysis().Run(ctx);
        Assert.Equal(11, F(r, "packets"));   // C 4 + 1, E 6
        Assert.Equal(3, F(r, "sources"));
        Assert.Equal(30 * 24, F(r, "observed_hours"), P);
        var none = new TotalsAnalysis().Run(new AnalysisContext(_fixture.Store, PaperFixture.Inventory(), new AnalysisOptions { Platform = "elsewhere" }));
        Assert.NotNull(none.Unavailable);
    }

    [Fact]
    public void PacketsOutsideTheDeclaredCapturePeriods_AreNotAnalysed_ButCounted()
    {
        _fixture.Store.Execute($"INSERT INTO packet_rows (file_id, frame, ts, src4, dst4, proto, sport, dport, tcp_flags) VALUES (1, 100, TIMESTAMP '2003-07-20 10:00:00', {Schema.AddressLiterals("203.0.113.9").V4}, {Schema.AddressLiterals(M0).V4}, 6, 1, 80, 2)");
        Assert.Equal(21, F(Run(new TotalsAnalysis()), "packets"));
        Assert.Equal(2, F(Run(new DataQualityAnalysis()), "packets_outside_capture_periods"));
        Assert.Equal(22, F(Run(new TotalsAnalysis(), testbed: false), "packets") - 2); // without a testbed: every IP packet
    }

    [Fact]
    public void EveryAnalysisRunsOnTheFixture()
    {
        var ctx = new AnalysisContext(_fixture.Store, PaperFixture.Inventory());
        foreach (var a in AnalysisCatalog.All)
        {
            var r = a.Run(ctx);
            Assert.Equal(a.Name, r.Name);
            if (a.Name is not ("geography" or "attacker-os")) Assert.Null(r.Unavailable);
        }
    }

    [Fact]
    public void TestbedIsStoredAndReloaded()
    {
        TestbedTables.Store(_fixture.Store, PaperFixture.Inventory(), TestbedToml);
        var again = TestbedTables.LoadStored(_fixture.Store);
        Assert.NotNull(again);
        Assert.Equal(3, again!.Platforms[0].Targets.Count);
        Assert.Equal(19L, Values.Long(_fixture.Store.Query("SELECT COUNT(*) FROM testbed_open_ports").Scalar()));
        Assert.Equal("192.0.2.11", Values.Text(_fixture.Store.Query("SELECT address FROM testbed_targets WHERE target = 'mach1'").Scalar()));
        TestbedTables.Store(_fixture.Store, PaperFixture.Inventory(), TestbedToml); // replacing does not duplicate
        Assert.Equal(3L, Values.Long(_fixture.Store.Query("SELECT COUNT(*) FROM testbed_targets").Scalar()));
    }
}
