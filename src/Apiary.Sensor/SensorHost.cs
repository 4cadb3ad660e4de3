using System.Diagnostics;
using System.Text.Json;
using Apiary.Sensor.Capture;
using Apiary.Sensor.Config;
using Apiary.Sensor.Link;
using Apiary.Sensor.Net;
using Apiary.Sensor.Services;
using Apiary.Sensor.Stack;

namespace Apiary.Sensor;

/// <summary>
/// Runs a sensor: opens the interface, drops privileges, then loops on one thread: receive a frame, answer it,
/// run timers. Writes status.json in the capture folder every few seconds (counters, connections, memory).
/// </summary>
public sealed class SensorHost
{
    private readonly SensorConfig _config;
    private readonly TextWriter _out;
    private readonly TextWriter _err;

    public SensorHost(SensorConfig config, TextWriter stdout, TextWriter stderr)
    {
        _config = config;
        _out = stdout;
        _err = stderr;
    }

    /// <summary>Runs until <paramref name="ct"/> is cancelled. Throws <see cref="LinkPermissionException"/> without privileges.</summary>
    public void Run(CancellationToken ct)
    {
        using var link = new PacketSocketLink(_config.Interface);
        var quiet = InterfaceQuiet.DisableKernelIpv6(_config.Interface);
        var dropped = Privileges.DropAll();
        _out.Write(SensorSummary.Format(_config));
        _out.WriteLine(quiet);
        _out.WriteLine(dropped ? "  privileges: all capabilities dropped after opening the interface"
                               : "  privileges: could not drop capabilities (kernel refused); continuing");
        _out.Flush();
        using var capture = new RotatingCaptureWriter(_config.CaptureDir, _config.RotateMaxBytes, _config.DiskBudgetBytes, _config.DiskFullPolicy, _err);
        using var log = new ServiceLog(_config.ServiceLogPath);
        var responder = new Responder(_config, link, capture, log);
        var frame = new InboundFrame();
        // Frames up to 256 KiB: offloaded (GRO/TSO) super-frames on veth and bridges exceed the MTU.
        var buffer = new byte[256 * 1024];
        var lastTimer = 0L;
        var lastStatus = 0L;
        var proc = Process.GetCurrentProcess();
        while (!ct.IsCancellationRequested)
        {
            var n = link.Receive(buffer);
            if (n > 0)
            {
                frame.Parse(buffer, n);
                responder.HandleFrame(frame);
            }
            var now = responder.NowTicks;
            if (now - lastTimer > TimeSpan.TicksPerMillisecond * 100)
            {
                lastTimer = now;
                responder.OnTimer();
                if (n == 0) capture.Flush();
            }
            if (now - lastStatus > TimeSpan.TicksPerSecond * 2)
            {
                lastStatus = now;
                responder.Stats.KernelDrops += link.TakeKernelDrops();
                capture.Flush();
                WriteStatus(responder, capture, proc);
            }
        }
        responder.Stats.KernelDrops += link.TakeKernelDrops();
        WriteStatus(responder, capture, proc);
        var s = responder.Stats;
        _out.WriteLine($"apiary sensor stopped: {s.FramesIn} frames in, {s.FramesOut} out, {s.EgressDenied} held back by egress limits, " +
                       $"{s.FramesCaptured} captured, {s.ConnectionsOpened} connections ({s.ConnectionsEvicted} half-open evicted), kernel drops {s.KernelDrops}");
        _out.Flush();
    }

    private void WriteStatus(Responder r, RotatingCaptureWriter capture, Process proc)
    {
        proc.Refresh();
        var s = r.Stats;
        var status = new Dictionary<string, object>
        {
            ["time"] = DateTime.UtcNow.ToString("O"),
            ["frames_in"] = s.FramesIn,
            ["frames_out"] = s.FramesOut,
            ["egress_denied"] = s.EgressDenied,
            ["frames_captured"] = s.FramesCaptured,
            ["capture_dropped"] = capture.PacketsDropped,
            ["capture_paused"] = capture.Stopped,
            ["arp_answered"] = s.ArpAnswered,
            ["connections"] = r.ConnectionCount,
            ["connections_peak"] = s.PeakConnections,
            ["connections_opened"] = s.ConnectionsOpened,
            ["connections_evicted"] = s.ConnectionsEvicted,
            ["connections_refused"] = s.ConnectionsRefused,
            ["data_connections_initiated"] = s.DataConnectionsInitiated,
            ["tracked_remotes"] = r.Limiter.TrackedRemotes,
            ["kernel_drops"] = s.KernelDrops,
            ["working_set_bytes"] = proc.WorkingSet64,
            ["managed_heap_bytes"] = GC.GetTotalMemory(false),
        };
        var path = Path.Combine(_config.CaptureDir, "status.json");
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(status));
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
