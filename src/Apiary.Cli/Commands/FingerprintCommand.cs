using System.CommandLine;
using Apiary.Capture;
using Apiary.Core;
using Apiary.Fingerprint;

namespace Apiary.Cli.Commands;

/// <summary>
/// <c>apiary fingerprint CAPTURE [--fp-db PATH] [--stray-synacks]</c>: passive OS fingerprints of every SYN and
/// SYN+ACK, one line each in p0f's log format (the lines <c>p0f -r CAPTURE -o LOG</c> writes with mod=syn,
/// syn+ack and mtu), so the two can be compared with diff.
/// </summary>
public static class FingerprintCommand
{
    public static Command Create()
    {
        var capture = new Argument<string>("capture") { Description = "Capture file (pcap, pcapng, optionally .gz)" };
        var db = new Option<string>("--fp-db")
        {
            Description = "p0f v3 fingerprint database",
            DefaultValueFactory = _ => P0fDatabaseLoader.DefaultPath,
        };
        var stray = new Option<bool>("--stray-synacks")
        {
            Description = "Also fingerprint SYN+ACKs whose SYN was not seen (backscatter); printed as mod=syn+ack (stray). p0f ignores them.",
        };
        var command = new Command("fingerprint", "Passive OS fingerprints (p0f v3) of the SYNs and SYN+ACKs of a capture");
        command.Arguments.Add(capture);
        command.Options.Add(db);
        command.Options.Add(stray);
        command.SetAction(parse => Run(parse.GetValue(capture)!, parse.GetValue(db)!, parse.GetValue(stray)));
        return command;
    }

    private static int Run(string capturePath, string dbPath, bool stray)
    {
        P0fDatabase database;
        try
        {
            database = P0fDatabase.Load(dbPath);
        }
        catch (FingerprintDatabaseException e)
        {
            Console.Error.WriteLine($"apiary fingerprint: {e.Message}");
            return 2;
        }
        if (!File.Exists(capturePath))
        {
            Console.Error.WriteLine($"apiary fingerprint: {capturePath}: no such file");
            return 2;
        }

        var anomalies = new AnomalyLog();
        var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
        try
        {
            var mode = stray ? FingerprintMode.IncludeStraySynAcks : FingerprintMode.P0fCompatible;
            foreach (var o in CaptureFingerprinter.Run(capturePath, database, mode, anomalies))
                foreach (var line in P0fLogFormat.Lines(o))
                    output.WriteLine(line);
        }
        catch (CaptureFormatException e)
        {
            output.Flush();
            Console.Error.WriteLine($"apiary fingerprint: {e.Message}");
            return 1;
        }
        finally
        {
            output.Flush();
        }
        return 0;
    }
}
