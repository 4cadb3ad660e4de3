using System.Diagnostics;

namespace Apiary.TestSupport;

/// <summary>Runs Debian's independent judges (tshark, p0f, mmdblookup, ...) with a time bound.</summary>
public static class ExternalTool
{
    public static bool Exists(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Any(d => File.Exists(Path.Combine(d, name)));

    /// <summary>Fails under CI when a judge is missing (test.sh installs them); elsewhere reports absence.</summary>
    public static bool Require(string name)
    {
        if (Exists(name)) return true;
        if (SharedData.IsCi) throw new InvalidOperationException($"CI=true but '{name}' is not installed (test.sh installs it)");
        return false;
    }

    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static Result Run(string file, IEnumerable<string> args, TimeSpan? timeout = null, string? stdin = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin != null,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var outTask = p.StandardOutput.ReadToEndAsync();
        var errTask = p.StandardError.ReadToEndAsync();
        if (stdin != null) { p.StandardInput.Write(stdin); p.StandardInput.Close(); }
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} did not finish in time");
        }
        return new Result(p.ExitCode, outTask.Result, errTask.Result);
    }
}
