using ArbitrageEngine.Engine.Backtest;

namespace ArbitrageEngine.Web.Backtests;

/// <summary>A run changed: its status, and while it runs its latest progress.</summary>
public sealed record BacktestRunUpdate(Guid RunId, string Status, BacktestProgress? Progress);

/// <summary>
/// Pushes run progress and status changes to open pages (singleton). Subscribing returns an <see cref="IDisposable"/>;
/// handlers are started, not awaited, so a slow page never holds up the worker. Components marshal with InvokeAsync.
/// </summary>
public sealed partial class BacktestNotifier(ILogger<BacktestNotifier> logger)
{
    private readonly Lock _gate = new();
    private Func<BacktestRunUpdate, Task>[] _handlers = [];

    public IDisposable Subscribe(Func<BacktestRunUpdate, Task> handler)
    {
        lock (_gate)
        {
            _handlers = [.. _handlers, handler];
        }

        return new Subscription(this, handler);
    }

    public void Publish(BacktestRunUpdate update)
    {
        foreach (var handler in Volatile.Read(ref _handlers))
        {
            try
            {
                var task = handler(update);
                if (!task.IsCompletedSuccessfully)
                {
                    _ = task.ContinueWith(t => LogHandlerFailed(logger, t.Exception!), CancellationToken.None,
                        TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
            }
            catch (Exception ex)
            {
                LogHandlerFailed(logger, ex);
            }
        }
    }

    private void Unsubscribe(Func<BacktestRunUpdate, Task> handler)
    {
        lock (_gate)
        {
            _handlers = [.. _handlers.Where(h => h != handler)];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A backtest progress subscriber failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception ex);

    private sealed class Subscription(BacktestNotifier owner, Func<BacktestRunUpdate, Task> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unsubscribe(handler);
            }
        }
    }
}
