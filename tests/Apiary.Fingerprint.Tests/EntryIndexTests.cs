using Apiary.Fingerprint;
using Xunit;

namespace Apiary.Fingerprint.Tests;

/// <summary>
/// The flow tracker's chained index against a Dictionary doing the same operations: random adds, finds and
/// removals of keys whose hash codes collide on purpose (long chains, removal from the head, the middle and the
/// end of a chain), through several rehashes.
/// </summary>
public class EntryIndexTests
{
    /// <summary>A key whose hash code is chosen by the test (few distinct codes: many keys share a chain).</summary>
    private readonly record struct CollidingKey(int Value, int Code)
    {
        public override int GetHashCode() => Code;
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 64)]
    [InlineData(3, 100_000)]
    public void Agrees_with_a_dictionary_under_random_operations(int seed, int distinctCodes)
    {
        var random = new Random(seed);
        var index = new EntryIndex<CollidingKey>(4);
        var model = new Dictionary<CollidingKey, int>();
        var freeEntries = new Stack<int>();
        var nextEntry = 0;
        for (var step = 0; step < 50_000; step++)
        {
            var key = new CollidingKey(random.Next(2_000), 0);
            key = key with { Code = key.Value % distinctCodes };
            var found = index.Find(key);
            Assert.Equal(model.TryGetValue(key, out var expected) ? expected : -1, found);
            if (found >= 0)
            {
                Assert.Equal(key, index.KeyOf(found));
                Assert.True(index.MayHold(key.GetHashCode()));
                if (random.Next(2) == 0)
                {
                    index.Remove(key, found);
                    model.Remove(key);
                    freeEntries.Push(found);
                }
            }
            else if (random.Next(3) != 0)
            {
                var entry = freeEntries.Count > 0 ? freeEntries.Pop() : nextEntry++;
                index.Add(key, entry);
                model.Add(key, entry);
            }
            Assert.Equal(model.Count, index.Count);
        }
        Assert.True(model.Count > 100, "the run should leave many keys indexed");
        foreach (var (key, entry) in model) Assert.Equal(entry, index.Find(key));
    }

    [Fact]
    public void An_empty_bucket_holds_nothing()
    {
        var index = new EntryIndex<CollidingKey>();
        Assert.False(index.MayHold(7));
        index.Add(new CollidingKey(1, 7), 0);
        Assert.True(index.MayHold(7));
        Assert.Equal(-1, index.Find(new CollidingKey(2, 7)));
        index.Remove(new CollidingKey(1, 7), 0);
        Assert.False(index.MayHold(7));
        Assert.Equal(0, index.Count);
    }
}
