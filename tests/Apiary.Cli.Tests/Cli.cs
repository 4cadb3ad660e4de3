using System.Diagnostics;
using Apiary.TestSupport;

namespace Apiary.Cli.Tests;

/// <summary>Runs the built CLI (apiary.dll beside the tests) as a child process.</summary>
public static class Cli
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "apiary.dll");

    public static ExternalTool.Result Run(params string[] args) =>
        ExternalTool.Run("dotnet", new[] { Dll }.Concat(args), TimeSpan.FromMinutes(5));

    /// <summary>Starts the CLI with stdout/stderr redirected; the caller owns the process.</summary>
    public static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet apiary.dll");
    }
}
