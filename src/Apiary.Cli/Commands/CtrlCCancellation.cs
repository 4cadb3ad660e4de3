namespace Apiary.Cli.Commands;

/// <summary>
/// The first Ctrl+C cancels <see cref="Token"/> (the command stops cleanly and says <c>message</c>); a second one
/// is left to the runtime and ends the process. Dispose to stop listening.
/// </summary>
internal sealed class CtrlCCancellation : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly ConsoleCancelEventHandler _handler;

    public CtrlCCancellation(string message)
    {
        _handler = (_, e) =>
        {
            if (_source.IsCancellationRequested) return;
            e.Cancel = true;
            _source.Cancel();
            Console.Error.WriteLine(message);
        };
        Console.CancelKeyPress += _handler;
    }

    public CancellationToken Token => _source.Token;

    public bool Requested => _source.IsCancellationRequested;

    public void Dispose()
    {
        Console.CancelKeyPress -= _handler;
        _source.Dispose();
    }
}
