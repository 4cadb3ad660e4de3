using Apiary.Testbed;
using Xunit;
using Xunit.Abstractions;

namespace Apiary.Simulator.Tests;

public class CalibrationProbe(ITestOutputHelper output)
{
    [Fact]
    public void Print()
    {
        var dir = Environment.GetEnvironmentVariable("SIM_PROBE_DIR");
        if (dir is null) return;
        var facts = CaptureFacts.Read(Directory.GetFiles(dir, "*.pcap"), SimulatorDefaults.PaperTestbed().Platforms[0]);
        output.WriteLine(facts.Describe());
    }
}
