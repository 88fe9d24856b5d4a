using System.Threading.Channels;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Tests.Infrastructure;

namespace ArbitrageEngine.Tests.Engine.Loop;

public class WallClockTicksTests
{
    /// <summary>
    /// The defect of the first live runs: ticks fired on the wall clock while a backfill was still draining and evaluated
    /// hours-old state. A tick whose time the source has not delivered up to is skipped and counted, never evaluated;
    /// once the source has caught up, ticks run with every trade up to them applied.
    /// </summary>
    [Fact]
    public async Task RunAsync_SourceBehindTheTick_SkipsIt_ThenEvaluatesOnceCaughtUp()
    {
        var events = new List<EngineEvent>();
        var loop = new EngineLoop(new EngineSettings { Symbols = ["BTCUSDT"], EvalIntervalMs = 200 }, new PaperSettings(), new DelegateEventSink(e =>
        {
            lock (events)
            {
                events.Add(e);
            }
        }));
        var channel = Channel.CreateUnbounded<MarketEvent>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long watermark = now - 3_600_000; // a backfill an hour behind
        var ran = new List<(long Tick, long Watermark)>();
        var ticks = new WallClockTicks(loop, TimeProvider.System, 20, () => Interlocked.Read(ref watermark), new WallClockHooks
        {
            // The invariant, independent of scheduling: a tick is only ever evaluated once the source has delivered up to it.
            BeforeTick = t => ran.Add((t, Interlocked.Read(ref watermark))),
        });
        await channel.Writer.WriteAsync(MarketEvent.ForTrade("BTCUSDT", new AggTrade(1, now - 3_600_000, 100, 1, false)));
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => ticks.RunAsync(channel.Reader, stop.Token));

        await SimulatedApp.Until(() => Task.FromResult(loop.TicksSkipped >= 2), "ticks skipped while the source is behind", 20);
        Assert.Equal(0, loop.TicksRun);

        var caughtUpTo = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await channel.Writer.WriteAsync(MarketEvent.ForTrade("BTCUSDT", new AggTrade(2, caughtUpTo, 101, 1, false)));
        Interlocked.Exchange(ref watermark, long.MaxValue);
        await SimulatedApp.Until(() => Task.FromResult(loop.TicksRun >= 2 && loop.Engine.StateOf("BTCUSDT")!.LastPrice == 101), "ticks once caught up", 20);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        Assert.All(ran, r => Assert.True(r.Watermark >= r.Tick, $"tick {r.Tick} evaluated with the source at {r.Watermark}"));
        lock (events)
        {
            Assert.All(events.OfType<TickSkipped>(), s => Assert.Equal("source_behind", s.Reason));
        }
    }
}
