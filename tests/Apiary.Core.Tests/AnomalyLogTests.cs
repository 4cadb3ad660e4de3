using Apiary.Core;
using Xunit;

namespace Apiary.Core.Tests;

public sealed class AnomalyLogTests
{
    [Fact]
    public void Counts_everything_and_keeps_a_bounded_sample_per_name()
    {
        var log = new AnomalyLog(samplesPerName: 3);
        for (var i = 1; i <= 1000; i++) log.Report("tcp_header_truncated", i, i * 60L);
        log.Report("pcap_record_truncated", 0, 24, "file ends inside a record");
        Assert.Equal(1001, log.Total);
        Assert.Equal(1000, log.Count("tcp_header_truncated"));
        Assert.Equal(1, log.Count("pcap_record_truncated"));
        Assert.Equal(0, log.Count("never_seen"));
        Assert.Equal(4, log.Samples.Count);
        Assert.Equal([1L, 2L, 3L], log.Samples.Where(s => s.Name == "tcp_header_truncated").Select(s => s.FrameNumber));
        Assert.Equal("file ends inside a record", log.Samples.Single(s => s.Name == "pcap_record_truncated").Detail);
    }
}
