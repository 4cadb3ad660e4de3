using System.CommandLine;
using System.Runtime.InteropServices;
using Apiary.Sensor;
using Apiary.Sensor.Config;
using Apiary.Sensor.Link;

namespace Apiary.Cli.Commands;

/// <summary>`apiary sensor run|check --config FILE`: the virtual honeynet sensor.</summary>
public static class SensorCommand
{
    public static Command Create()
    {
        var sensor = new Command("sensor", "Virtual honeynet sensor (Honeyd-like): answers for virtual hosts and captures their traffic.");

        var runConfig = ConfigOption();
        var run = new Command("run", "Run the sensor (root, or CAP_NET_RAW + CAP_NET_ADMIN). Stops on Ctrl+C / SIGTERM.") { runConfig };
        run.SetAction(async (parse, ct) =>
        {
            var config = LoadOrReport(parse.GetValue(runConfig)!);
            if (config == null) return 2;
            // SIGINT and SIGTERM both stop the sensor cleanly (the open capture file is closed and listed in the manifest).
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
            using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
            try
            {
                var host = new SensorHost(config, Console.Out, Console.Error);
                await Task.Factory.StartNew(() => host.Run(stop.Token), TaskCreationOptions.LongRunning).ConfigureAwait(false);
                return 0;
            }
            catch (LinkPermissionException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return 3;
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync($"error: {config.SourceFile}: interface '{config.Interface}': {e.Message}").ConfigureAwait(false);
                return 2;
            }
        });

        var checkConfig = ConfigOption();
        var check = new Command("check", "Validate a sensor configuration and print the start-up summary.") { checkConfig };
        check.SetAction(parse =>
        {
            var config = LoadOrReport(parse.GetValue(checkConfig)!);
            if (config == null) return 2;
            Console.Out.Write(SensorSummary.Format(config));
            Console.Out.WriteLine($"{config.SourceFile}: OK");
            return 0;
        });

        sensor.Subcommands.Add(run);
        sensor.Subcommands.Add(check);
        return sensor;
    }

    private static Option<string> ConfigOption() => new("--config") { Description = "Sensor configuration (TOML)", Required = true };

    private static SensorConfig? LoadOrReport(string path)
    {
        try
        {
            return SensorConfigLoader.Load(path);
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return null;
        }
    }
}
