using System.Collections.Concurrent;

namespace ArbitrageEngine.Web.Backtests;

/// <summary>
/// Dedicated below-normal-priority threads for backtest runs, so a run never takes thread-pool threads the live loop,
/// the pages and the writers need. Work started here keeps its continuations here unless it opts out
/// (ConfigureAwait(false)); the bounded concurrency of the worker is the main guarantee.
/// </summary>
public sealed class BacktestThreads : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _queue = [];
    private readonly Thread[] _threads;

    public BacktestThreads(int threads)
    {
        _threads = [.. Enumerable.Range(0, threads).Select(i => new Thread(Work)
        {
            IsBackground = true,
            Name = $"backtest-{i}",
            // Ignored where the OS does not allow lowering (then bounded concurrency alone protects the live loop).
            Priority = ThreadPriority.BelowNormal,
        })];
        foreach (var t in _threads)
        {
            t.Start();
        }
    }

    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>Starts <paramref name="work"/> on these threads.</summary>
    public Task Run(Func<Task> work) => Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this).Unwrap();

    protected override void QueueTask(Task task) => _queue.Add(task);

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Thread.CurrentThread.Name?.StartsWith("backtest-", StringComparison.Ordinal) == true && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => [.. _queue];

    private void Work()
    {
        foreach (var task in _queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }

    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.CompleteAdding();
        foreach (var t in _threads)
        {
            t.Join(TimeSpan.FromSeconds(5));
        }

        _queue.Dispose();
    }
}
