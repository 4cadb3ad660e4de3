using Apiary.Fingerprint;
using Xunit;

namespace Apiary.Fingerprint.Tests;

/// <summary>
/// The tracker's age-ordered table against a linked list and a dictionary doing the same operations: random
/// adds, finds, moves to the newest end and removals (oldest, newest and middle), through growth and reuse of
/// entries; the age order is walked from the oldest after every step.
/// </summary>
public class AgeOrderedTableTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Agrees_with_a_linked_list_under_random_operations(int seed)
    {
        var random = new Random(seed);
        var table = new AgeOrderedTable<int, long>(2);
        var order = new LinkedList<int>();
        var values = new Dictionary<int, long>();
        for (var step = 0; step < 20_000; step++)
        {
            var key = random.Next(300);
            var entry = table.Find(key);
            Assert.Equal(values.ContainsKey(key), entry >= 0);
            switch (random.Next(4))
            {
                case 0 when entry < 0:
                    entry = table.Add(key);
                    Assert.Equal(0, table[entry]);
                    table[entry] = step;
                    values[key] = step;
                    order.AddLast(key);
                    break;
                case 1 when entry >= 0:
                    Assert.Equal(values[key], table[entry]);
                    table.MoveToNewest(entry);
                    order.Remove(key);
                    order.AddLast(key);
                    break;
                case 2 when entry >= 0:
                    table.Remove(entry);
                    values.Remove(key);
                    order.Remove(key);
                    break;
                case 3 when table.Count > 50:
                    var oldest = order.First!.Value;
                    Assert.Equal(values[oldest], table[table.Oldest]);
                    table.Remove(table.Oldest);
                    values.Remove(oldest);
                    order.RemoveFirst();
                    break;
            }
            Assert.Equal(values.Count, table.Count);
            var walked = new List<long>();
            for (var e = table.Oldest; e >= 0; e = table.NewerThan(e)) walked.Add(table[e]);
            Assert.Equal(order.Select(k => values[k]), walked);
        }
        Assert.True(values.Count > 20, "the run should leave entries in the table");
    }
}
