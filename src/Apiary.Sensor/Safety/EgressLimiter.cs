using Apiary.Core;

namespace Apiary.Sensor.Safety;

/// <summary>
/// Token buckets on everything the sensor sends: one overall and one per remote address (IPv4) or /64 (IPv6), so the sensor can never
/// amplify or reflect a flood (each inbound packet earns at most the answers the buckets allow).
/// The per-remote table is bounded; when it is full, stale entries are dropped, and if none is stale, unknown
/// remotes share one overflow bucket (so spoofed floods from many sources cannot grow memory).
/// </summary>
public sealed class EgressLimiter
{
    private struct Bucket
    {
        public double Tokens;
        public long LastTicks;
    }

    private readonly double _globalRate, _remoteRate, _globalBurst, _remoteBurst;
    private readonly int _maxRemotes;
    private readonly Dictionary<IpAddress128, Bucket> _remotes = new();
    private Bucket _global, _overflow;

    public long Allowed { get; private set; }
    public long Denied { get; private set; }

    public EgressLimiter(int packetsPerSecond, int packetsPerSecondPerRemote, int maxRemotes)
    {
        _globalRate = packetsPerSecond;
        _remoteRate = packetsPerSecondPerRemote;
        // Bursts of a quarter second absorb an nmap probe burst without letting a flood through.
        _globalBurst = Math.Max(10, packetsPerSecond / 4.0);
        _remoteBurst = Math.Max(10, packetsPerSecondPerRemote / 4.0);
        _maxRemotes = maxRemotes;
        _global.Tokens = _globalBurst;
        _overflow.Tokens = _remoteBurst;
    }

    public int TrackedRemotes => _remotes.Count;

    /// <summary>IPv4 shorthand for <see cref="TryTake(IpAddress128, long)"/>.</summary>
    public bool TryTake(uint remote, long nowTicks) => TryTake(IpAddress128.FromV4(remote), nowTicks);

    /// <summary>Takes one token from the overall bucket and the remote's bucket; false = do not send.</summary>
    public bool TryTake(IpAddress128 remote, long nowTicks)
    {
        // IPv6 remotes share a bucket per /64: one machine can draw any number of addresses from its /64, so a
        // per-address bucket would not limit it.
        if (!remote.IsV4) remote = new IpAddress128(remote.Hi, 0);
        Refill(ref _global, _globalRate, _globalBurst, nowTicks);
        if (_global.Tokens < 1) { Denied++; return false; }
        bool ok;
        if (_remotes.TryGetValue(remote, out var b))
        {
            Refill(ref b, _remoteRate, _remoteBurst, nowTicks);
            ok = b.Tokens >= 1;
            if (ok) b.Tokens -= 1;
            _remotes[remote] = b;
        }
        else
        {
            if (_remotes.Count >= _maxRemotes) Prune(nowTicks);
            if (_remotes.Count < _maxRemotes)
            {
                _remotes[remote] = new Bucket { Tokens = _remoteBurst - 1, LastTicks = nowTicks };
                ok = true;
            }
            else
            {
                Refill(ref _overflow, _remoteRate, _remoteBurst, nowTicks);
                ok = _overflow.Tokens >= 1;
                if (ok) _overflow.Tokens -= 1;
            }
        }
        if (!ok) { Denied++; return false; }
        _global.Tokens -= 1;
        Allowed++;
        return true;
    }

    private void Prune(long nowTicks)
    {
        // A bucket idle long enough to be full again carries no state: forget it.
        var full = (long)(TimeSpan.TicksPerSecond * (_remoteBurst / _remoteRate)) + TimeSpan.TicksPerSecond;
        var stale = _remotes.Where(kv => nowTicks - kv.Value.LastTicks > full).Select(kv => kv.Key).ToList();
        foreach (var k in stale) _remotes.Remove(k);
    }

    private static void Refill(ref Bucket b, double rate, double burst, long nowTicks)
    {
        var dt = (nowTicks - b.LastTicks) / (double)TimeSpan.TicksPerSecond;
        if (dt > 0) b.Tokens = Math.Min(burst, b.Tokens + dt * rate);
        b.LastTicks = nowTicks;
    }
}
