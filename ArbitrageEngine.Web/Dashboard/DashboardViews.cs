using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Strategies;

namespace ArbitrageEngine.Web.Dashboard;

/// <summary>One stream of the market source as the dashboard shows it.</summary>
public sealed record StreamView(string Name, StreamState State, long? LastFrameAgeMs, long GapTradesFilled, long Reconnects, string? LastError)
{
    /// <summary>Same rule as the health check: connected and a frame within 30 s.</summary>
    public bool Healthy => State == StreamState.Connected && LastFrameAgeMs is >= 0 and <= EngineStatusView.SilentAfterMs;
}

/// <summary>What the engine status card shows, read from <see cref="LiveEngineState"/> at one instant.</summary>
public sealed record EngineStatusView(
    PipelinePhase Phase,
    string? LastError,
    long? LastTickWallMs,
    long? LastTickAgeMs,
    double LastTickDurationMs,
    long? LastTradeAgeMs,
    int RunningStrategies,
    int OpenPositions,
    long TradesProcessed,
    long Ticks,
    double? WarmupProgress = null)
{
    /// <summary>A stream silent this long counts as unhealthy (EngineHealthCheck uses the same bound).</summary>
    public const long SilentAfterMs = 30_000;

    public static EngineStatusView From(LiveEngineState live, long nowMs)
    {
        var tick = live.LastTickWallMs;
        var trade = live.LastTradeWallMs;
        return new EngineStatusView(
            live.Phase,
            live.LastError,
            tick < 0 ? null : tick,
            tick < 0 ? null : Math.Max(0, nowMs - tick),
            live.LastTickDurationMs,
            trade < 0 ? null : Math.Max(0, nowMs - trade),
            live.RunningStrategies,
            live.OpenPositions.Count,
            live.TradesProcessed,
            live.Ticks,
            live.WarmupProgress);
    }

    /// <summary>Ticks overdue: live, yet no tick for three intervals (the health check's "ticks stopped").</summary>
    public bool TicksStalled(int evalIntervalSeconds) =>
        Phase == PipelinePhase.Live && LastTickAgeMs is { } age && age > 3_000L * evalIntervalSeconds;

    public static IReadOnlyList<StreamView> Streams(IMarketSource? source, long nowMs) =>
        source is null
            ? []
            : [.. source.Status.Streams.Select(s => new StreamView(
                s.Name,
                s.State,
                s.LastFrameMs < 0 ? null : Math.Max(0, nowMs - s.LastFrameMs),
                s.GapTradesFilled,
                s.Reconnects,
                s.LastError))];

    /// <summary>"850 ms", "12 s", "3m 04s", "2h 05m": short ages for status lines.</summary>
    public static string Age(long? ms) => ms switch
    {
        null => "—",
        < 1000 => $"{ms} ms",
        < 60_000 => $"{ms / 1000} s",
        < 3_600_000 => $"{ms / 60_000}m {ms / 1000 % 60:00}s",
        _ => $"{ms / 3_600_000}h {ms / 60_000 % 60:00}m",
    };
}

/// <summary>Today's best and worst strategies by 24 h P&amp;L in USDT.</summary>
public static class StrategyRanking
{
    public const int Top = 5;

    /// <summary>
    /// Best = largest positive 24 h P&amp;L, worst = most negative; strategies with no 24 h P&amp;L are in neither (a
    /// flat strategy is not "best" on a losing day), so the two lists never share a strategy.
    /// </summary>
    public static (IReadOnlyList<StrategySummary> Best, IReadOnlyList<StrategySummary> Worst) Rank(IEnumerable<StrategySummary> summaries)
    {
        var list = summaries.ToList();
        return (
            [.. list.Where(s => s.Trades.PnlUsdt24h > 0).OrderByDescending(s => s.Trades.PnlUsdt24h).ThenBy(s => s.Strategy.DisplayName, StringComparer.Ordinal).Take(Top)],
            [.. list.Where(s => s.Trades.PnlUsdt24h < 0).OrderBy(s => s.Trades.PnlUsdt24h).ThenBy(s => s.Strategy.DisplayName, StringComparer.Ordinal).Take(Top)]);
    }
}

/// <summary>
/// Runs a refresh at most once per <paramref name="minInterval"/>: requests during a pending or too-recent
/// refresh are folded into one that runs when the interval has passed (bursts of position events → one query).
/// </summary>
public sealed class CoalescedRefresh(TimeSpan minInterval, TimeProvider clock, Func<Task> refresh) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private bool _pending;
    private long _lastRunMs = long.MinValue / 2;

    public void Request()
    {
        long delayMs;
        lock (_gate)
        {
            if (_pending || _stop.IsCancellationRequested)
            {
                return;
            }

            _pending = true;
            delayMs = Math.Max(0, _lastRunMs + (long)minInterval.TotalMilliseconds - clock.GetUtcNow().ToUnixTimeMilliseconds());
        }

        _ = RunAsync(delayMs);
    }

    private async Task RunAsync(long delayMs)
    {
        try
        {
            if (delayMs > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(delayMs), clock, _stop.Token);
            }

            lock (_gate)
            {
                _pending = false;
                _lastRunMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
            }

            await refresh();
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stop.Cancel();
        }

        _stop.Dispose();
    }
}
