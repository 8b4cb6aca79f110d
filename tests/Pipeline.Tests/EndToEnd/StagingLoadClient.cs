using System.Diagnostics;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// A client hitting the load balancer in a loop while a deploy runs, bounded in count and time. Each request is a
/// new connection, so a failure can only come from the servers, never from a stale keep-alive socket. The bounds
/// are a safety net, not part of a test: a test checks <see cref="StoppedByCaller"/>, so a loop that gave up before
/// the deploy ended cannot pass for one that saw it all.
/// </summary>
public sealed class StagingLoadClient(string url, int maxRequests = 500_000, TimeSpan? maxTime = null)
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(5);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _failures = [];
    private readonly List<string> _bodies = []; // in order, a body kept only when it differs from the one before
    private readonly Lock _gate = new();
    private Task? _loop;
    private int _succeeded;

    public int Succeeded => Volatile.Read(ref _succeeded);

    public IReadOnlyList<string> Failures { get { lock (_gate) return [.. _failures]; } }

    /// <summary>The distinct bodies of the successful answers.</summary>
    public HashSet<string> Bodies { get { lock (_gate) return [.. _bodies]; } }

    /// <summary>The first and the last successful answer's body, in the order they came.</summary>
    public string? FirstBody { get { lock (_gate) return _bodies.Count > 0 ? _bodies[0] : null; } }

    public string? LastBody { get { lock (_gate) return _bodies.Count > 0 ? _bodies[^1] : null; } }

    /// <summary>True when the loop ran until <see cref="StopAsync"/>, not until one of its own bounds.</summary>
    public bool StoppedByCaller { get; private set; }

    public string EndReason { get; private set; } = "running";

    public void Start() => _loop = Task.Run(LoopAsync);

    public async Task StopAsync()
    {
        _stop.Cancel();
        if (_loop is not null) await _loop;
    }

    /// <summary>
    /// Returns once <paramref name="count"/> requests in all have succeeded: a state to wait for (that the client is
    /// in flight before a deploy starts, or has been answered after it ended), bounded so a dead balancer fails.
    /// </summary>
    public async Task WaitForSuccessesAsync(int count, TimeSpan? bound = null)
    {
        var clock = Stopwatch.StartNew();
        while (Succeeded < count)
        {
            if (_loop is { IsCompleted: true }) throw new InvalidOperationException($"the load client ended ({EndReason}) after {Succeeded} of {count} successes");
            if (clock.Elapsed > (bound ?? TimeSpan.FromMinutes(2)))
                throw new TimeoutException($"the load client has {Succeeded} of {count} successes; failures: {string.Join("; ", Failures.Take(5))}");
            await Task.Delay(20);
        }
    }

    private async Task LoopAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        http.DefaultRequestHeaders.ConnectionClose = true;
        var clock = Stopwatch.StartNew();
        var budget = maxTime ?? TimeSpan.FromMinutes(20);
        while (!_stop.IsCancellationRequested && Succeeded + Failures.Count < maxRequests && clock.Elapsed < budget)
        {
            try
            {
                using var response = await http.GetAsync(url);
                var body = await response.Content.ReadAsStringAsync();
                lock (_gate)
                {
                    if (response.IsSuccessStatusCode)
                    {
                        if (_bodies.Count == 0 || _bodies[^1] != body) _bodies.Add(body);
                    }
                    else _failures.Add($"{clock.Elapsed.TotalSeconds:0.00}s: HTTP {(int)response.StatusCode} {body}");
                }
                if (response.IsSuccessStatusCode) Interlocked.Increment(ref _succeeded);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                lock (_gate) _failures.Add($"{clock.Elapsed.TotalSeconds:0.00}s: {e.GetType().Name} {e.Message}");
            }
            // A request every few milliseconds still falls into any switch gap a user would notice, and leaves the
            // two cores to the deploy under test: flat out, the client slowed the deploys it watches by half.
            try
            {
                await Task.Delay(Pause, _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        StoppedByCaller = _stop.IsCancellationRequested;
        EndReason = StoppedByCaller ? "stopped" : clock.Elapsed >= budget ? $"its {budget.TotalSeconds:0} s bound" : $"its {maxRequests} request bound";
    }
}
