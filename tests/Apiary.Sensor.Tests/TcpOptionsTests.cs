using Apiary.Sensor.Personalities;
using Apiary.Sensor.Stack;
using Xunit;

namespace Apiary.Sensor.Tests;

/// <summary>SYN+ACK option layouts, written as p0f/nmap-style token strings for readability.</summary>
public sealed class TcpOptionsTests
{
    private static readonly IReadOnlyDictionary<string, Personality> P = PersonalityFile.LoadBuiltIn();

    private static string Layout(string personality, bool ws, bool sack, bool ts)
    {
        Span<byte> o = stackalloc byte[40];
        var n = TcpOptions.SynAck(o, P[personality], ws, sack, ts, 1234, 5678);
        Assert.Equal(0, n % 4);
        var tokens = new List<string>();
        for (var i = 0; i < n;)
        {
            switch (o[i])
            {
                case 0: tokens.Add("E"); i++; break;
                case 1: tokens.Add("N"); i++; break;
                case 2: tokens.Add("M"); i += 4; break;
                case 3: tokens.Add("W" + o[i + 2]); i += 3; break;
                case 4: tokens.Add("S"); i += 2; break;
                case 8: tokens.Add("T"); i += 10; break;
                default: throw new InvalidOperationException("unexpected option " + o[i]);
            }
        }
        return string.Join(",", tokens);
    }

    [Theory]
    [InlineData("linux-5", true, true, true, "M,S,T,N,W7")]
    [InlineData("linux-5", true, true, false, "M,N,N,S,N,W7")]
    [InlineData("linux-5", false, false, false, "M")]
    [InlineData("linux-2.4", true, false, true, "M,N,N,T,N,W0")]
    [InlineData("windows-2000-xp", true, true, true, "M,N,W0,N,N,T,N,N,S")]
    [InlineData("windows-10", true, true, true, "M,N,W8,N,N,S")]
    [InlineData("windows-nt4", true, true, true, "M")]
    [InlineData("freebsd", true, true, true, "M,N,W6,S,T")]
    [InlineData("freebsd", true, true, false, "M,N,W6,S,E,E")]
    [InlineData("freebsd", true, false, true, "M,N,W6,N,N,T")]
    [InlineData("freebsd", false, true, true, "M,S,T")]
    public void Synack_options_follow_the_personality_and_the_peer_offer(string personality, bool ws, bool sack, bool ts, string expected) =>
        Assert.Equal(expected, Layout(personality, ws, sack, ts));
}
