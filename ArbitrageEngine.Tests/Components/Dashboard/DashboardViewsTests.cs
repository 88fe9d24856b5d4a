using System.Threading.Channels;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Persistence.Paper;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Dashboard;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Strategies;

namespace ArbitrageEngine.Tests.Components.Dashboard;

public sealed class DashboardViewsTests
{
    private static StrategySummary Summary(string name, double pnlUsdt24h)
    {
        var id = Guid.NewGuid();
        var definition = StrategyDefinition.CreateDefault("BTCUSDT", name) with { StrategyId = id };
        var trades = new TradeAggregate(id, 3, 2, 1, 1.5, 150, 1, -1, pnlUsdt24h / 100, pnlUsdt24h, null, null);
        return new StrategySummary(definition, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null, "running", trades, 0, null);
    }

    [Fact]
    public void Rank_MixedPnl_BestDescendingPositivesWorstAscendingNegativesTopFive()
    {
        var all = new[] { 10.0, -5, 0, 250, -300, 40, 7, 1, 90, -1, -2, -3, -4, -6 }
            .Select((p, i) => Summary($"s{i}", p)).ToList();

        var (best, worst) = StrategyRanking.Rank(all);

        Assert.Equal([250.0, 90, 40, 10, 7], best.Select(s => s.Trades.PnlUsdt24h));
        Assert.Equal([-300.0, -6, -5, -4, -3], worst.Select(s => s.Trades.PnlUsdt24h));
    }

    [Fact]
    public void Rank_FlatStrategies_AreInNeitherList()
    {
        var (best, worst) = StrategyRanking.Rank([Summary("a", 0), Summary("b", 0)]);

        Assert.Empty(best);
        Assert.Empty(worst);
    }

    private sealed class FakeSource : IMarketSource
    {
        public string Name => "fake";

        public IReadOnlyList<string> Symbols => ["BTCUSDT"];

        public SourceStatus Status { get; } = new();

        public Task RunAsync(ChannelWriter<MarketEvent> output, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public void Streams_ConnectedFreshAndSilentStreams_ReportAgeAndHealth()
    {
        const long now = 1_800_000_000_000;
        var source = new FakeSource();
        var market = source.Status.Stream("market");
        market.State = StreamState.Connected;
        market.OnFrame(now - 2_000);
        market.OnGapFilled(42);
        var silent = source.Status.Stream("public");
        silent.State = StreamState.Connected;
        silent.OnFrame(now - 45_000);
        source.Status.Stream("spot").State = StreamState.Reconnecting;

        var streams = EngineStatusView.Streams(source, now);

        Assert.Equal(["market", "public", "spot"], streams.Select(s => s.Name));
        Assert.Equal(2_000, streams[0].LastFrameAgeMs);
        Assert.Equal(42, streams[0].GapTradesFilled);
        Assert.True(streams[0].Healthy);
        Assert.False(streams[1].Healthy);
        Assert.Null(streams[2].LastFrameAgeMs);
        Assert.False(streams[2].Healthy);
    }

    [Fact]
    public void Streams_NoSource_IsEmpty() => Assert.Empty(EngineStatusView.Streams(null, 0));

    [Fact]
    public void From_FreshState_HasNoTickAndNoTradeAge()
    {
        var view = EngineStatusView.From(new LiveEngineState(), 1_000);

        Assert.Equal(PipelinePhase.Starting, view.Phase);
        Assert.Null(view.LastTickWallMs);
        Assert.Null(view.LastTickAgeMs);
        Assert.Null(view.LastTradeAgeMs);
        Assert.False(view.TicksStalled(15));
    }

    [Fact]
    public void TicksStalled_LiveAndNoTickForThreeIntervals_IsTrue()
    {
        var live = new LiveEngineState { Phase = PipelinePhase.Live };
        live.OnTickDone(0, 100_000, 3.5);

        Assert.False(EngineStatusView.From(live, 100_000 + 45_000).TicksStalled(15));
        Assert.True(EngineStatusView.From(live, 100_000 + 45_001).TicksStalled(15));
    }

    [Theory]
    [InlineData(850L, "850 ms")]
    [InlineData(12_400L, "12 s")]
    [InlineData(184_000L, "3m 04s")]
    [InlineData(7_500_000L, "2h 05m")]
    [InlineData(null, "—")]
    public void Age_Milliseconds_IsShortText(long? ms, string expected) => Assert.Equal(expected, EngineStatusView.Age(ms));

    [Fact]
    public async Task Request_Burst_RunsOnceNowAndOnceAfterTheInterval()
    {
        var runs = 0;
        using var refresh = new CoalescedRefresh(TimeSpan.FromMilliseconds(300), TimeProvider.System, () =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        });

        refresh.Request();
        Assert.Equal(1, Volatile.Read(ref runs));
        for (var i = 0; i < 5; i++)
        {
            refresh.Request();
        }

        Assert.Equal(1, Volatile.Read(ref runs));
        // The coalesced second run comes after the interval; poll (a loaded CI machine may be late), then make sure
        // the burst produced exactly one more run.
        await Infrastructure.SimulatedApp.Until(() => Task.FromResult(Volatile.Read(ref runs) >= 2), "the coalesced second run", 10);
        await Task.Delay(500);
        Assert.Equal(2, Volatile.Read(ref runs));
    }
}
