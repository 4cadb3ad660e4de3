using System.Buffers.Binary;
using System.Diagnostics;
using Apiary.Core;
using Apiary.TestSupport;
using Xunit;

namespace Apiary.Capture.Tests;

/// <summary>
/// Random mutations of the shared captures (seeded, bounded in count and in time): no exception other than
/// <see cref="CaptureFormatException"/> from Open may escape, and reading must end.
/// </summary>
public sealed class FuzzTests
{
    private const int Seed = 20261127;
    private const int MaxInputs = 4000;                          // count bound
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20); // time bound for generating and reading
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(90);
    private const int MaxPrefixBytes = 96 * 1024;                // mutate the head of each file: framing lives there

    [Fact]
    public void Mutated_shared_captures_never_throw_or_hang()
    {
        if (!SharedData.RequireShared()) return;
        var sources = SharedData.AllCaptures().Select(p =>
        {
            var bytes = File.ReadAllBytes(p);
            if (p.EndsWith(".gz", StringComparison.Ordinal)) return bytes; // compressed: mutate the compressed bytes
            return bytes.Length > MaxPrefixBytes ? bytes[..MaxPrefixBytes] : bytes;
        }).ToList();

        var run = Task.Run(() =>
        {
            var rng = new Random(Seed);
            var clock = Stopwatch.StartNew();
            var inputs = 0;
            var notCaptures = 0;
            while (inputs < MaxInputs && clock.Elapsed < Budget)
            {
                var input = Mutate(sources[rng.Next(sources.Count)], rng);
                inputs++;
                var log = new AnomalyLog();
                CaptureReader reader;
                try
                {
                    reader = CaptureReader.Open(new MemoryStream(input), $"fuzz-{inputs}", log);
                }
                catch (CaptureFormatException)
                {
                    notCaptures++;
                    continue;
                }
                using (reader)
                {
                    long frames = 0, lastOffset = -1;
                    while (reader.TryReadNext(out var f))
                    {
                        frames++;
                        Assert.True(f.FileOffset > lastOffset, "offsets increase");
                        Assert.Equal(frames, f.FrameNumber);
                        Assert.InRange(f.Data.Length, 0, CaptureReader.MaxRecordBytes);
                        Assert.True(f.WireLength >= 0);
                        lastOffset = f.FileOffset;
                        // A frame consumes at least 12 input bytes (gzip: input can expand ~1000x).
                        Assert.True(frames <= (input.Length + 1) * 1100L, "more frames than the input can hold");
                    }
                    Assert.Equal(frames, reader.FramesRead);
                }
            }
            return (inputs, notCaptures);
        });
        Assert.True(run.Wait(HangLimit), "the fuzz run did not finish: a reader hangs");
        var (count, rejected) = run.Result;
        Assert.True(count > 100, $"only {count} inputs in the budget");
        Assert.True(rejected < count, "most mutations must still open");
    }

    private static byte[] Mutate(byte[] source, Random rng)
    {
        var b = (byte[])source.Clone();
        var edits = rng.Next(1, 6);
        for (var e = 0; e < edits && b.Length > 8; e++)
        {
            switch (rng.Next(6))
            {
                case 0: // flip bits of a byte, biased towards the header and the first records
                    b[rng.Next(rng.Next(2) == 0 ? Math.Min(b.Length, 256) : b.Length)] ^= (byte)rng.Next(1, 256);
                    break;
                case 1: // an extreme 32-bit value at a 4-aligned offset (lengths, types, timestamps)
                {
                    var at = rng.Next(b.Length / 4) * 4;
                    if (at + 4 > b.Length) break;
                    uint[] extremes = [0, 1, 12, 0xffffffff, 0x7fffffff, 0x80000000, 0x0000ffff, 0x00040001, (uint)rng.Next()];
                    var v = extremes[rng.Next(extremes.Length)];
                    if (rng.Next(2) == 0) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);
                    else BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(at), v);
                    break;
                }
                case 2: // truncate
                    b = b[..rng.Next(b.Length)];
                    break;
                case 3: // duplicate a chunk somewhere else
                {
                    var from = rng.Next(b.Length);
                    var len = Math.Min(rng.Next(1, 200), b.Length - from);
                    var to = rng.Next(b.Length);
                    b = [.. b[..to], .. b.AsSpan(from, len), .. b[to..]];
                    break;
                }
                case 4: // delete a chunk
                {
                    var from = rng.Next(b.Length);
                    var len = Math.Min(rng.Next(1, 64), b.Length - from);
                    b = [.. b[..from], .. b[(from + len)..]];
                    break;
                }
                default: // zero a run
                {
                    var from = rng.Next(b.Length);
                    b.AsSpan(from, Math.Min(rng.Next(1, 32), b.Length - from)).Clear();
                    break;
                }
            }
        }
        return b;
    }
}
