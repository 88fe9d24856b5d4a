using System.Diagnostics;
using System.Threading.Channels;
using ArbitrageEngine.Engine.Market;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ArbitrageEngine.Engine.Loop;

/// <summary>What the live host wants to hear from <see cref="WallClockTicks"/>.</summary>
public sealed record WallClockHooks
{
    /// <summary>After each market event, with whether the engine accepted it (the host stores accepted trades).</summary>
    public Action<MarketEvent, bool>? Applied { get; init; }

    /// <summary>True while reading should pause (storage behind); ticks still fire.</summary>
    public Func<bool>? Paused { get; init; }

    /// <summary>Just before an evaluated tick (the host moves commands posted by the app into the loop).</summary>
    public Action<long>? BeforeTick { get; init; }

    /// <summary>After an evaluated tick: its time and how long it took (ms).</summary>
    public Action<long, double>? TickRan { get; init; }
}

/// <summary>
/// The live tick source: a tick at T falls due at wall time T + grace and runs only once every event up to T that the
/// source has delivered is applied — the source's <paramref name="watermark"/> (everything with time ≤ watermark is in
/// the channel) must have reached T. Otherwise (a backfill or gap fill still draining) the tick is skipped and
/// counted, never evaluated on stale state. Events newer than the due tick are held back until after it, so live and a
/// replay of the stored data evaluate the same trades.
/// </summary>
public sealed partial class WallClockTicks(EngineLoop loop, TimeProvider clock, long graceMs, Func<long> watermark, WallClockHooks? hooks = null, ILogger? logger = null)
{
    /// <summary>After a stall longer than this many intervals the missed ticks are skipped in one step.</summary>
    private const int MaxCatchUpTicks = 4;

    private readonly WallClockHooks _hooks = hooks ?? new WallClockHooks();
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly Queue<MarketEvent> _held = new();

    public long NextTickMs { get; private set; } = long.MinValue;

    public async Task RunAsync(ChannelReader<MarketEvent> reader, CancellationToken cancellationToken)
    {
        var interval = loop.IntervalMs;
        NextTickMs = loop.NextBoundaryAfter(Now());
        var sourceDone = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            var wall = Now();
            var wait = NextTickMs + graceMs - wall;
            if (wait <= 0)
            {
                RunDueTick(reader);
                NextTickMs += interval;
                if (wall - NextTickMs > MaxCatchUpTicks * interval)
                {
                    var resume = loop.NextBoundaryAfter(wall);
                    for (var t = NextTickMs; t < resume; t += interval)
                    {
                        loop.Skip(t, "stalled");
                    }

                    LogStalled(_logger, (resume - NextTickMs) / interval);
                    NextTickMs = resume;
                }

                ReleaseHeld();

                continue;
            }

            if (_hooks.Paused?.Invoke() == true)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), clock, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (reader.TryRead(out var e))
            {
                Offer(e);
                continue;
            }

            if (sourceDone)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, wait)), clock, cancellationToken).ConfigureAwait(false);
                continue;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(1, wait)));
            try
            {
                sourceDone = !await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Time to tick.
            }
        }
    }

    private void RunDueTick(ChannelReader<MarketEvent> reader)
    {
        var tick = NextTickMs;
        if (watermark() < tick)
        {
            loop.Skip(tick, "source_behind");
            return;
        }

        // Everything up to the tick that the source has delivered is in the channel: apply it, hold the rest.
        while (reader.TryRead(out var e))
        {
            Offer(e);
        }

        _hooks.BeforeTick?.Invoke(tick);
        var started = Stopwatch.GetTimestamp();
        loop.Tick(tick);
        _hooks.TickRan?.Invoke(tick, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Applies held events that are now due, in arrival order; keeps the rest (invariant: every held event is after the next tick).</summary>
    private void ReleaseHeld()
    {
        for (var n = _held.Count; n > 0; n--)
        {
            var e = _held.Dequeue();
            if (e.TimeMs <= NextTickMs)
            {
                Apply(e);
            }
            else
            {
                _held.Enqueue(e);
            }
        }
    }

    // Per symbol, events arrive in time order, so applying an event while a newer one of another symbol is held keeps
    // every symbol's order.
    private void Offer(in MarketEvent e)
    {
        if (e.TimeMs > NextTickMs)
        {
            _held.Enqueue(e);
        }
        else
        {
            Apply(e);
        }
    }

    private void Apply(in MarketEvent e)
    {
        bool accepted;
        try
        {
            accepted = loop.Apply(e);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogEventFailed(_logger, ex, e.Kind.ToString(), e.Symbol);
            return;
        }

        _hooks.Applied?.Invoke(e, accepted);
    }

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Engine loop stalled; skipped {Ticks} ticks")]
    private static partial void LogStalled(ILogger logger, long ticks);

    [LoggerMessage(Level = LogLevel.Error, Message = "Engine failed on a {Kind} event for {Symbol}; event skipped")]
    private static partial void LogEventFailed(ILogger logger, Exception ex, string kind, string symbol);
}
