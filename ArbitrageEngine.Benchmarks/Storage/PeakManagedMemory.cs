namespace ArbitrageEngine.Benchmarks.Storage;

/// <summary>
/// The largest managed heap seen while it runs (sampled every 20 ms on its own thread): what a run holds at once, which
/// must not grow with the simulated range. The caller collects before starting so earlier garbage does not count.
/// </summary>
public sealed class PeakManagedMemory : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _peak;

    public PeakManagedMemory()
    {
        _thread = new Thread(() =>
        {
            while (!_stop)
            {
                _peak = Math.Max(_peak, GC.GetTotalMemory(false));
                Thread.Sleep(20);
            }
        }) { IsBackground = true, Name = "peak-memory" };
        _thread.Start();
    }

    /// <summary>Stops sampling; the peak in bytes.</summary>
    public long Stop()
    {
        _stop = true;
        _thread.Join();
        return _peak;
    }

    public void Dispose()
    {
        if (!_stop)
        {
            Stop();
        }
    }
}
