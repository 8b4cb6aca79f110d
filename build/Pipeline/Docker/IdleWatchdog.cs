namespace Pipeline.Docker;

/// <summary>
/// A cancellation that fires when no bytes have moved for a while. Every read or write calls <see cref="Touch"/>,
/// which pushes the deadline back; CancelAfter on a live source replaces the previous deadline.
/// </summary>
internal sealed class IdleWatchdog : IDisposable
{
    private readonly CancellationTokenSource _source;

    public IdleWatchdog(TimeSpan idle, CancellationToken cancellation)
    {
        Idle = idle;
        _source = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        _source.CancelAfter(idle);
    }

    public TimeSpan Idle { get; }

    public CancellationToken Token => _source.Token;

    public void Touch()
    {
        try
        {
            _source.CancelAfter(Idle);
        }
        catch (ObjectDisposedException)
        {
            // A late write after the call finished has nothing left to guard.
        }
    }

    public void Dispose() => _source.Dispose();
}
