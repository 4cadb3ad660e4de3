namespace Apiary.Simulator;

/// <summary>
/// xoshiro256** seeded through SplitMix64: a small, fast generator whose output is fixed by its published
/// algorithm, so a seed gives the same captures on every .NET version (System.Random's seeded output is not a
/// documented contract). Each source gets its own generator derived from (seed, stream, index), which keeps a
/// source's traffic independent of how many sources came before it.
/// </summary>
public sealed class SimRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SimRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>A generator for one numbered item of one named stream (e.g. source #17's traffic).</summary>
    public static SimRandom Derive(ulong seed, ulong stream, ulong index) =>
        new(seed ^ (stream * 0x9E3779B97F4A7C15UL) ^ ((index + 1) * 0xD1B54A32D192ED03UL));

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    public uint NextUInt32() => (uint)(NextUInt64() >> 32);

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [min, max) (max &gt; min).</summary>
    public int Next(int min, int max) => min + (int)((NextUInt64() >> 33) % (ulong)(max - min));

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Exponential variate with the given mean.</summary>
    public double Exponential(double mean) => -mean * Math.Log(1.0 - NextDouble());

    /// <summary>Geometric count >= 1 with the given mean (mean >= 1).</summary>
    public int Geometric(double mean)
    {
        if (mean <= 1) return 1;
        var p = 1.0 / mean;
        return 1 + (int)Math.Floor(Math.Log(1.0 - NextDouble()) / Math.Log(1.0 - p));
    }

    /// <summary>Index drawn from cumulative weights (last element = total).</summary>
    public int PickCumulative(ReadOnlySpan<double> cumulative)
    {
        var u = NextDouble() * cumulative[^1];
        var lo = 0;
        var hi = cumulative.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (cumulative[mid] > u) hi = mid; else lo = mid + 1;
        }
        return lo;
    }
}
