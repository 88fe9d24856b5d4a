using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace ArbitrageEngine.Web.Backtests;

/// <summary>
/// Dedicated low-priority threads for research beside the live loop: saved backtest runs and the replay loops of every
/// backtest the app runs (its own and auto-evolve's sweep, through <c>BacktestRunner</c>'s lanes). A replay loop is
/// CPU-bound for seconds; on the thread pool it would hold threads the live loop's timers and I/O need (live ticks
/// were skipped while a 580-strategy sweep ran), here it cannot.
/// <para>
/// Priority: <see cref="ThreadPriority"/> is ignored by .NET on Linux, so each thread also raises its own nice value
/// by <see cref="NiceIncrement"/> with setpriority(2), which the Linux scheduler honours per thread: when the live
/// loop, the pages or PostgreSQL want a core, research yields it; otherwise research has every core.
/// </para>
/// Work started here keeps its continuations here unless it opts out (ConfigureAwait(false)).
/// </summary>
public sealed class ResearchThreads : TaskScheduler, IDisposable
{
    /// <summary>How much nicer than the process the threads are on Linux (nice 0 normal … 19 lowest).</summary>
    public const int NiceIncrement = 10;

    private readonly BlockingCollection<Task> _queue = [];
    private readonly Thread[] _threads;
    private int _lowered;
    private int _disposed;

    /// <summary>One thread per core by default: research may use every core the live loop leaves idle.</summary>
    public ResearchThreads(int? threads = null)
    {
        var count = Math.Max(1, threads ?? Environment.ProcessorCount);
        _threads = [.. Enumerable.Range(0, count).Select(i => new Thread(Work)
        {
            IsBackground = true,
            Name = $"research-{i}",
            // Honoured on Windows; on Linux see LowerOwnPriority.
            Priority = ThreadPriority.BelowNormal,
        })];
        foreach (var t in _threads)
        {
            t.Start();
        }
    }

    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>Whether each thread lowered its own priority (false where the OS refused or does not support it).</summary>
    public bool PriorityLowered => Volatile.Read(ref _lowered) == _threads.Length;

    /// <summary>Starts <paramref name="work"/> on these threads.</summary>
    public Task Run(Func<Task> work) => Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this).Unwrap();

    protected override void QueueTask(Task task) => _queue.Add(task);

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Thread.CurrentThread.Name?.StartsWith("research-", StringComparison.Ordinal) == true && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => [.. _queue];

    private void Work()
    {
        if (LowerOwnPriority())
        {
            Interlocked.Increment(ref _lowered);
        }

        foreach (var task in _queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }

    /// <summary>Linux: setpriority(PRIO_PROCESS, own thread id, nice + increment); a thread id there names just this thread.</summary>
    private static bool LowerOwnPriority()
    {
        if (!OperatingSystem.IsLinux())
        {
            return OperatingSystem.IsWindows();
        }

        try
        {
            const int PrioProcess = 0;
            var tid = NativeMethods.GetTid();
            // A new thread starts with its creator's nice value, which getpriority returns as is (-20 … 19).
            var nice = Math.Min(19, NativeMethods.GetPriority(PrioProcess, tid) + NiceIncrement);
            return NativeMethods.SetPriority(PrioProcess, tid, nice) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // DllImport, not LibraryImport: these take and return ints only (nothing to marshal), and LibraryImport's
    // generated code would need unsafe blocks enabled for the whole project.
#pragma warning disable SYSLIB1054
    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int SetPriority(int which, int who, int prio);

        [DllImport("libc", EntryPoint = "getpriority")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int GetPriority(int which, int who);

        [DllImport("libc", EntryPoint = "gettid")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int GetTid();
    }
#pragma warning restore SYSLIB1054

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
