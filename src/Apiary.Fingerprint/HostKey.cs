using Apiary.Core;

namespace Apiary.Fingerprint;

/// <summary>A host of p0f's table: IP version and address.</summary>
internal readonly struct HostKey(int version, IpAddress128 address) : IEquatable<HostKey>
{
    public readonly IpAddress128 Address = address;
    public readonly int Version = version;

    public bool Equals(HostKey o) => Address.Lo == o.Address.Lo && Address.Hi == o.Address.Hi && Version == o.Version;

    public override bool Equals(object? obj) => obj is HostKey k && Equals(k);

    public override int GetHashCode()
    {
        var h = P0fFlowTracker.Mix(Address, (ushort)Version);
        return (int)(h ^ (h >> 32));
    }
}
