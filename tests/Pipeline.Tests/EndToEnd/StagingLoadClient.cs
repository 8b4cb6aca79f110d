using System.Diagnostics;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// A client hitting the load balancer in a loop while a deploy runs, bounded in count and time. Each request is a
/// new connection, so a failure can only come from the servers, never from a stale keep-alive socket.
/// </summary>
public sealed class StagingLoadClient(string url, int maxRequests = 50_000, TimeSpan? maxTime = null)
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _failures = [];
    private Task? _loop;

    public int Succeeded { get; private set; }

    public IReadOnlyList<string> Failures => _failures;

    public HashSet<string> Bodies { get; } = [];

    public void Start() => _loop = Task.Run(LoopAsync);

    public async Task StopAsync()
    {
        _stop.Cancel();
        if (_loop is not null) await _loop;
    }

    private async Task LoopAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        http.DefaultRequestHeaders.ConnectionClose = true;
        var clock = Stopwatch.StartNew();
        var budget = maxTime ?? TimeSpan.FromMinutes(5);
        while (!_stop.IsCancellationRequested && Succeeded + _failures.Count < maxRequests && clock.Elapsed < budget)
        {
            try
            {
                using var response = await http.GetAsync(url);
                var body = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode)
                {
                    Succeeded++;
                    Bodies.Add(body);
                }
                else
                {
                    _failures.Add($"{clock.Elapsed.TotalSeconds:0.00}s: HTTP {(int)response.StatusCode} {body}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                _failures.Add($"{clock.Elapsed.TotalSeconds:0.00}s: {e.GetType().Name} {e.Message}");
            }
        }
    }
}
