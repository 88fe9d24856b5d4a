using Xunit.Abstractions;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.Simulated;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Tests.Engine.Market.Simulated;

public class SimulatedMarketTests(ITestOutputHelper output)
{
    private const long Start = 1_790_000_000_000;
    private static readonly string[] Symbols = ["BTCUSDT", "ETHUSDT", "XRPUSDT", "SOLUSDT"];

    private static List<MarketEvent> Generate(ulong seed, long minutes, string[]? symbols = null)
    {
        var market = new SimulatedMarket(new SimulatedMarketOptions { Seed = seed }, symbols ?? Symbols, Start);
        var events = new List<MarketEvent>();
        market.AdvanceTo(Start + (minutes * 60_000), events);
        return events;
    }

    [Fact]
    public void AdvanceTo_SameSeedAndStart_YieldsIdenticalEvents()
    {
        var a = Generate(7, 10);
        var b = Generate(7, 10);

        Assert.Equal(a.Count, b.Count);
        Assert.True(a.SequenceEqual(b));
    }

    [Fact]
    public void AdvanceTo_OtherSeed_YieldsOtherMarket() =>
        Assert.False(Generate(7, 5).Where(e => e.Kind == MarketEventKind.Trade).Take(100)
            .SequenceEqual(Generate(8, 5).Where(e => e.Kind == MarketEventKind.Trade).Take(100)));

    [Fact]
    public void AdvanceTo_Trades_StrictlyIncreasingIdsOnTickAndLotGrid()
    {
        var events = Generate(3, 30);

        foreach (var symbol in Symbols)
        {
            var profile = SimulatedSymbolProfile.For(symbol);
            var trades = events.Where(e => e.Kind == MarketEventKind.Trade && e.Symbol == symbol).Select(e => e.Trade).ToList();
            Assert.True(trades.Count > profile.TradesPerSecond * 1800 * 0.5, $"{symbol}: {trades.Count} trades in 30 minutes");
            for (var i = 1; i < trades.Count; i++)
            {
                Assert.True(trades[i].AggId > trades[i - 1].AggId);
                Assert.True(trades[i].TimeMs >= trades[i - 1].TimeMs);
            }

            Assert.All(trades, t =>
            {
                Assert.True(t.Price > profile.StartPrice * 0.5 && t.Price < profile.StartPrice * 1.5);
                Assert.Equal(0, Math.Abs((t.Price / profile.TickSize) - Math.Round(t.Price / profile.TickSize)), 6);
                Assert.True(t.Qty >= profile.LotSize);
            });
        }
    }

    [Fact]
    public void AdvanceTo_EveryFeatureAndLiquidations_AreProduced()
    {
        var events = Generate(5, 20);

        var btcKeys = events.Where(e => e.Kind == MarketEventKind.Feature && e.Symbol == "BTCUSDT").Select(e => e.Feature).ToHashSet();
        var ethKeys = events.Where(e => e.Kind == MarketEventKind.Feature && e.Symbol == "ETHUSDT").Select(e => e.Feature).ToHashSet();
        Assert.Superset(new HashSet<FeatureKey> { FeatureKey.ObiDepth10, FeatureKey.SpotPerpDivergence, FeatureKey.FundingRate, FeatureKey.OpenInterestHist, FeatureKey.LongShortRatio, FeatureKey.TopTraderPosition, FeatureKey.CoinbasePremium }, btcKeys);
        Assert.DoesNotContain(FeatureKey.CoinbasePremium, ethKeys);
        Assert.Contains(events, e => e.Kind == MarketEventKind.Liquidation);
        Assert.Contains(events, e => e.Kind == MarketEventKind.Funding && e.Funding.NextFundingTimeMs > e.TimeMs);
        var obiPerSecond = events.Count(e => e.Kind == MarketEventKind.Feature && e.Symbol == "BTCUSDT" && e.Feature == FeatureKey.ObiDepth10) / (20 * 60.0);
        Assert.InRange(obiPerSecond, 9, 11);
        Assert.All(events.Where(e => e.Kind == MarketEventKind.Feature), e => Assert.True(FeatureKeys.IsInRange(e.Feature, e.Value!.Value)));
    }

    [Fact]
    public void DefaultMarket_WithFactoryStrategies_OpensAndClosesWithinFifteenMinutesAfterWarmup()
    {
        // 24 h of backfill, then the first 15 live minutes, exactly as the app starts.
        var opened = 0;
        var closed = 0;
        var sink = new CountingSink(() => opened++, () => closed++);
        var loop = new EngineLoop(new EngineSettings { Symbols = Symbols }, new PaperSettings(), sink);
        var engine = loop.Engine;
        loop.Load(StrategyFactoryGrid.Create());

        // The one tick policy: ticks from the first live boundary on, each after every event up to it.
        var market = new SimulatedMarket(new SimulatedMarketOptions(), Symbols, Start - 86_400_000);
        var buffer = new List<MarketEvent>();
        var ticks = new EventTimeTicks(loop, Start);
        void Run(long until, bool backfill)
        {
            while (market.NowMs < until)
            {
                market.AdvanceTo(Math.Min(market.NowMs + 1000, until), buffer, backfill);
                foreach (var e in buffer)
                {
                    ticks.OnEvent(e);
                }

                buffer.Clear();
            }
        }

        Run(Start, backfill: true);
        foreach (var state in engine.States)
        {
            state.MarkHistoryLoaded();
        }

        Run(Start + (15 * 60_000), backfill: false);

        output.WriteLine($"signals={sink.Signals} opened={opened} closed={closed}");
        Assert.True(sink.Signals > 0, "no signal in 15 minutes");
        Assert.True(opened > 0, "no position opened in 15 minutes");
        Assert.True(closed > 0, $"no position closed in 15 minutes ({opened} opened)");
    }

    private sealed class CountingSink(Action opened, Action closed) : IEngineEventSink
    {
        public int Signals { get; private set; }

        public void Publish(EngineEvent e)
        {
            switch (e)
            {
                case EvaluationProduced { Result.Signal: not null }:
                    Signals++;
                    break;
                case PositionOpened:
                    opened();
                    break;
                case PositionClosed:
                    closed();
                    break;
            }
        }
    }
}
