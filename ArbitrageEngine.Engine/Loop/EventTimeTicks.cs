using ArbitrageEngine.Engine.Market;

namespace ArbitrageEngine.Engine.Loop;

/// <summary>
/// The event-time tick source (replay, backtest, tests): ticks are derived from the data, so the result never depends
/// on how fast the machine is. The tick at T runs after every event with time ≤ T and before the first event after T.
/// <para>
/// <paramref name="shouldRun"/> selects which boundaries are evaluated (a parity replay runs exactly the ticks live ran;
/// the others — engine down, source behind — are passed over without an event); <paramref name="beforeTick"/> runs
/// just before each evaluated tick (a replay submits the commands recorded for that tick there).
/// </para>
/// </summary>
public sealed class EventTimeTicks(EngineLoop loop, long firstTickMs, long lastTickMs = long.MaxValue, Func<long, bool>? shouldRun = null, Action<long>? beforeTick = null)
{
    public long NextTickMs { get; private set; } = firstTickMs;

    public long LastTickMs { get; } = lastTickMs;

    /// <summary>Runs every tick before <paramref name="e"/>'s time, then applies it; returns what <see cref="EngineLoop.Apply"/> returned.</summary>
    public bool OnEvent(in MarketEvent e)
    {
        if (e.TimeMs > NextTickMs)
        {
            RunTicksBefore(e.TimeMs);
        }

        return loop.Apply(e);
    }

    /// <summary>Runs every remaining tick with time ≤ <paramref name="timeMs"/> (end of the data, or of a segment).</summary>
    public void AdvanceTo(long timeMs)
    {
        while (NextTickMs <= timeMs && NextTickMs <= LastTickMs)
        {
            RunTick(NextTickMs);
            NextTickMs += loop.IntervalMs;
        }
    }

    private void RunTicksBefore(long timeMs)
    {
        while (NextTickMs < timeMs && NextTickMs <= LastTickMs)
        {
            RunTick(NextTickMs);
            NextTickMs += loop.IntervalMs;
        }
    }

    private void RunTick(long tickMs)
    {
        if (shouldRun is null || shouldRun(tickMs))
        {
            beforeTick?.Invoke(tickMs);
            loop.Tick(tickMs);
        }
    }
}
