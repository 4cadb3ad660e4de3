using System.Diagnostics;
using System.Globalization;
using Apiary.Capture;
using Apiary.Core;

// Capture reader throughput: frames/s and MB/s for one core reading a file that sits in the page cache.
// Usage: dotnet run -c Release --project bench/Apiary.Bench.Capture -- --file F [--make-gb 2] [--packet 200] [--runs 3]
//   --make-gb N  first writes F (must not exist) with PcapWriter: N GiB of Ethernet frames of --packet bytes.
string? file = null;
double makeGb = 0;
var packetBytes = 200;
var runs = 3;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--file": file = args[++i]; break;
        case "--make-gb": makeGb = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--packet": packetBytes = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}
if (file is null) { Console.Error.WriteLine("--file F is required"); return 2; }

if (makeGb > 0)
{
    if (File.Exists(file)) { Console.Error.WriteLine($"{file} exists; --make-gb needs a new file"); return 2; }
    var make = Stopwatch.StartNew();
    var rng = new Random(1);
    var packet = new byte[packetBytes];
    rng.NextBytes(packet);
    var count = (long)(makeGb * 1024 * 1024 * 1024 / (packetBytes + 16));
    using (var w = PcapWriter.Create(file, LinkTypes.Ethernet))
    {
        var ts = 1_700_000_000_000_000_000L;
        for (long n = 0; n < count; n++)
        {
            packet[0] = (byte)n; // vary the bytes a little
            w.WritePacket(ts, packet, packetBytes);
            ts += 1_000;
        }
    }
    Console.WriteLine($"wrote {count:N0} packets, {new FileInfo(file).Length:N0} bytes in {make.Elapsed.TotalSeconds:0.0} s");
}

for (var run = 1; run <= runs; run++)
{
    var log = new AnomalyLog();
    var sw = Stopwatch.StartNew();
    long frames = 0, bytes = 0, checksum = 0;
    using (var reader = CaptureReader.Open(file, log))
    {
        while (reader.TryReadNext(out var f))
        {
            frames++;
            bytes += f.Data.Length;
            checksum += f.Data.Length > 0 ? f.Data[0] : 0; // touch the data so it is really there
        }
    }
    var s = sw.Elapsed.TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"run {run}: {frames:N0} frames in {s:0.000} s = {frames / s / 1e6:0.00} M frames/s, {(bytes / s) / 1e9:0.00} GB/s of packet data, anomalies {log.Total}, checksum {checksum}"));
}
return 0;
