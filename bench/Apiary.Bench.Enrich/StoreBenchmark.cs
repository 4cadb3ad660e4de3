using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Apiary.Capture;
using Apiary.Decode;
using Apiary.Enrich;
using Apiary.Ingest;
using Apiary.Store.DuckDb;

/// <summary>Times SourcesUpdater.Update (what `apiary enrich` does) on a store with N distinct source addresses.</summary>
internal static class StoreBenchmark
{
    public static int Run(string dir, int count, int runs, bool keep)
    {
        Directory.CreateDirectory(dir);
        var template = Path.Combine(dir, $"enrich-{count}.duckdb");
        if (!File.Exists(template)) Build(dir, template, count);
        for (var run = 1; run <= runs; run++)
        {
            var copy = Path.Combine(dir, "enrich-run.duckdb");
            File.Copy(template, copy, overwrite: true);
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            SourcesUpdate update;
            using (var dbs = EnrichmentDatabases.Open(new EnrichmentOptions()))
            {
                // Without the data packages the step only rebuilds sources: that would time the wrong thing.
                if (dbs.Country is null || dbs.Country2 is null || dbs.Asn is null)
                {
                    Console.Error.WriteLine("the data packages are not installed (scripts/setup.sh; or set APIARY_DATA to a data-packages folder)");
                    return 1;
                }
                using var store = DuckDbStore.Open(copy);
                update = SourcesUpdater.Update(store, dbs);
            }
            sw.Stop();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}: enrich step on {update.AddressesEnriched:N0} new addresses ({update.SourceRows:N0} source rows) in {sw.Elapsed.TotalSeconds:F2} s wall, {cpu.TotalSeconds:F2} s CPU; lookups {update.LookupTime.TotalSeconds:F2} s"));
            Console.WriteLine("  " + string.Join("; ", update.Phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Phase} {p.Time.TotalSeconds:F2} s ({p.Cpu.TotalSeconds:F2} CPU)"))));
            if (!keep || run < runs) File.Delete(copy);
        }
        return 0;
    }

    /// <summary>One TCP SYN from each of N distinct sources (half IPv4, half IPv6, seeded), ingested without fingerprints.</summary>
    private static void Build(string dir, string dbPath, int count)
    {
        var pcap = Path.Combine(dir, $"enrich-{count}.pcap");
        var rng = new Random(42);
        var seen = new HashSet<(ulong, ulong)>();
        var frame = new byte[14 + 40 + 20];
        using (var w = PcapWriter.Create(pcap, 1))
        {
            for (var i = 0; seen.Count < count; i++)
            {
                var v4 = seen.Count % 2 == 0;
                ulong hi, lo;
                if (v4) { hi = 0; lo = (ulong)rng.NextInt64(0x0100_0000, 0xE000_0000); }
                else { hi = 0x2000_0000_0000_0000UL | ((ulong)rng.NextInt64() & 0x1FFF_FFFF_FFFF_FFFFUL); lo = (ulong)rng.NextInt64(); }
                if (!seen.Add((hi, lo))) continue;
                Array.Clear(frame);
                frame[12] = v4 ? (byte)0x08 : (byte)0x86; frame[13] = v4 ? (byte)0x00 : (byte)0xDD;
                int ipLen, tcp;
                if (v4)
                {
                    frame[14] = 0x45; BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(16), 40); frame[22] = 64; frame[23] = 6;
                    BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(26), (uint)lo);
                    BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(30), 0xC000020A);
                    ipLen = 20; tcp = 34;
                }
                else
                {
                    frame[14] = 0x60; BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(18), 20); frame[20] = 6; frame[21] = 64;
                    BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(22), hi); BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(30), lo);
                    frame[38] = 0x20; frame[39] = 0x01; frame[40] = 0x0d; frame[41] = 0xb8; frame[53] = 1;
                    ipLen = 40; tcp = 54;
                }
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(tcp), 40000);
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(tcp + 2), 445);
                frame[tcp + 12] = 0x50; frame[tcp + 13] = 0x02;
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(tcp + 14), 8192);
                var len = 14 + ipLen + 20;
                w.WritePacket(1_046_476_800_000_000_000L + i * 1_000_000L, frame.AsSpan(0, len), len);
            }
        }
        using var store = DuckDbStore.Open(dbPath);
        var r = new IngestPipeline(store, new IngestOptions { Sensor = "bench" }, PacketDecoder.Decode).Run([new IngestInput(pcap, true)]);
        store.Checkpoint();
        File.Delete(pcap);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"built {dbPath}: {r.Packets:N0} packets from {count:N0} distinct sources"));
    }
}
