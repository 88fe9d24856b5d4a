using System.Collections.Concurrent;

namespace ArbitrageEngine.Web.Evolve;

/// <summary>Where a run is: its stage, the sweep's percent of simulated time and simulated date.</summary>
public sealed record EvolveProgressUpdate(Guid RunId, string Stage, double Percent, long? SimulatedMs, double? TradesPerSecond, bool Finished);

/// <summary>
/// Live progress of evolve runs for the /evolve page (notifier pattern: subscribing returns an <see cref="IDisposable"/>;
/// components marshal callbacks with InvokeAsync). In memory: progress belongs to the process running the sweep.
/// </summary>
public sealed partial class EvolveProgress(ILogger<EvolveProgress> logger)
{
    private readonly ConcurrentDictionary<Guid, EvolveProgressUpdate> _current = new();
    private readonly Lock _gate = new();
    private Func<EvolveProgressUpdate, Task>[] _handlers = [];

    public EvolveProgressUpdate? Current(Guid runId) => _current.TryGetValue(runId, out var u) ? u : null;

    /// <summary>Runs still in progress in this process.</summary>
    public IReadOnlyList<EvolveProgressUpdate> Active => [.. _current.Values.Where(u => !u.Finished)];

    public IDisposable Subscribe(Func<EvolveProgressUpdate, Task> handler)
    {
        lock (_gate)
        {
            _handlers = [.. _handlers, handler];
        }

        return new Subscription(this, handler);
    }

    public void Publish(EvolveProgressUpdate update)
    {
        _current[update.RunId] = update;
        foreach (var handler in _handlers)
        {
            _ = Deliver(handler, update);
        }
    }

    private async Task Deliver(Func<EvolveProgressUpdate, Task> handler, EvolveProgressUpdate update)
    {
        try
        {
            await handler(update);
        }
        catch (Exception ex)
        {
            // A failing subscriber (e.g. a closed circuit) must never stop the run.
            LogSubscriberFailed(logger, ex);
        }
    }

    private void Unsubscribe(Func<EvolveProgressUpdate, Task> handler)
    {
        lock (_gate)
        {
            _handlers = [.. _handlers.Where(h => h != handler)];
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Evolve progress subscriber failed")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception ex);

    private sealed class Subscription(EvolveProgress owner, Func<EvolveProgressUpdate, Task> handler) : IDisposable
    {
        public void Dispose() => owner.Unsubscribe(handler);
    }
}
