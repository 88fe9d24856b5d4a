namespace ArbitrageEngine.Benchmarks.Storage;

/// <summary>
/// The largest live managed heap seen while it runs: every 250 ms on its own thread a full collection, then the heap
/// size, so garbage not yet collected does not count (GC timing would make a longer run look bigger). The collections
/// slow the run, so a sampled run is not a timed one. What a run holds at once must not grow with its simulated range.
/// </summary>
public sealed class LiveHeapSampler : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _max;

    public LiveHeapSampler()
    {
        _thread = new Thread(() =>
        {
            while (!_stop)
            {
                _max = Math.Max(_max, GC.GetTotalMemory(forceFullCollection: true));
                Thread.Sleep(250);
            }
        }) { IsBackground = true, Name = "live-heap" };
        _thread.Start();
    }

    /// <summary>Stops sampling; the largest live heap in bytes.</summary>
    public long Stop()
    {
        _stop = true;
        _thread.Join();
        return _max;
    }

    public void Dispose()
    {
        if (!_stop)
        {
            Stop();
        }
    }
}
