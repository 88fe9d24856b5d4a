using System.Collections.Concurrent;

namespace ArbitrageEngine.Web.SystemStatus;

/// <summary>What the System page shows for one background job.</summary>
public sealed record JobStatus(string Name, string Description, TimeSpan Interval, long? LastStartMs, long? LastEndMs, bool? LastSucceeded, string? LastError, long? LastErrorMs, long? NextRunMs, string? LastResult, int Runs, int Failures);

/// <summary>
/// Background jobs report their runs here (start, success with a short result, failure with the reason) so the System
/// page can show last run, next run and last error without knowing the jobs. Thread-safe; in memory (a restart starts over).
/// </summary>
public sealed class JobRegistry(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Entry> _jobs = new(StringComparer.Ordinal);

    /// <summary>Declares a job (idempotent) so it is listed before its first run.</summary>
    public void Register(string name, string description, TimeSpan interval) =>
        _jobs.GetOrAdd(name, _ => new Entry(name, description, interval));

    public void Started(string name)
    {
        var e = Get(name);
        lock (e)
        {
            e.LastStartMs = Now();
            e.Running = true;
        }
    }

    public void Succeeded(string name, string? result = null)
    {
        var e = Get(name);
        lock (e)
        {
            e.LastEndMs = Now();
            e.LastSucceeded = true;
            e.LastResult = result;
            e.Running = false;
            e.Runs++;
        }
    }

    public void Failed(string name, Exception error)
    {
        var e = Get(name);
        lock (e)
        {
            e.LastEndMs = Now();
            e.LastSucceeded = false;
            e.LastError = error.GetType().Name + ": " + error.Message;
            e.LastErrorMs = e.LastEndMs;
            e.Running = false;
            e.Runs++;
            e.Failures++;
        }
    }

    /// <summary>Runs <paramref name="work"/> as one reported run: failures are recorded and rethrown to the caller's loop.</summary>
    public async Task RunAsync(string name, Func<Task<string?>> work)
    {
        Started(name);
        try
        {
            Succeeded(name, await work());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Failed(name, ex);
            throw;
        }
    }

    public IReadOnlyList<JobStatus> Snapshot() =>
        [.. _jobs.Values.OrderBy(e => e.Name, StringComparer.Ordinal).Select(e =>
        {
            lock (e)
            {
                var next = e.LastStartMs is { } s ? s + (long)e.Interval.TotalMilliseconds : (long?)null;
                return new JobStatus(e.Name, e.Description, e.Interval, e.LastStartMs, e.LastEndMs, e.LastSucceeded, e.LastError, e.LastErrorMs, next, e.LastResult, e.Runs, e.Failures);
            }
        })];

    private Entry Get(string name) => _jobs.GetOrAdd(name, n => new Entry(n, n, TimeSpan.Zero));

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private sealed class Entry(string name, string description, TimeSpan interval)
    {
        public string Name { get; } = name;
        public string Description { get; } = description;
        public TimeSpan Interval { get; } = interval;
        public long? LastStartMs { get; set; }
        public long? LastEndMs { get; set; }
        public bool? LastSucceeded { get; set; }
        public string? LastError { get; set; }
        public long? LastErrorMs { get; set; }
        public string? LastResult { get; set; }
        public bool Running { get; set; }
        public int Runs { get; set; }
        public int Failures { get; set; }
    }
}
