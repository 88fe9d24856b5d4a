using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.State;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Hosting;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Live;
using Bunit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using DashboardPage = ArbitrageEngine.Web.Components.Pages.Dashboard;

namespace ArbitrageEngine.Tests.Components.Dashboard;

public sealed class DashboardPageTests : BunitContext, IAsyncLifetime
{
    // 2026-11-26 09:30:00 UTC.
    private static readonly long Now = new DateTimeOffset(2026, 11, 26, 9, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private readonly LiveEngineState _live = new();
    private readonly LiveNotifier _notifier = new(new FixedClock(Now), NullLogger<LiveNotifier>.Instance);
    private readonly MarketOptions _options = new() { Symbols = ["BTCUSDT", "ETHUSDT"] };

    /// <summary>A frozen clock whose timers never fire (the page's 1 s timer stays quiet).</summary>
    private sealed class FixedClock(long nowMs) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(nowMs);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new NoTimer();

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    public DashboardPageTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddLogging();
        Services.AddSingleton(_live);
        Services.AddSingleton(_notifier);
        Services.AddSingleton<TimeProvider>(new FixedClock(Now));
        Services.AddSingleton(Options.Create(_options));
        // The database never becomes ready: 24 h opens stay pending, the strategy ranking has no service.
        Services.AddSingleton(new MarketDatabase(new DatabaseEndpoint(new ConfigurationBuilder().Build())));
        Services.AddSingleton<ArbitrageEngine.Web.Strategies.StrategyReads>();
        Services.AddScoped<ClientConnection>();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor registers services that are only IAsyncDisposable: dispose asynchronously before xunit's Dispose.
    async Task IAsyncLifetime.DisposeAsync()
    {
        _notifier.Dispose();
        await DisposeAsync();
    }

    private static MarketSnapshot Snapshot(string symbol, double price, double? funding) => new()
    {
        Symbol = symbol,
        TimeMs = Now - 15_000,
        Price = price,
        FundingRate = funding,
        Warm = true,
        CvdByWindow = new double[Enum.GetValues<CvdWindow>().Length],
        LargeTrades = [],
    };

    private void Populate()
    {
        _live.Phase = PipelinePhase.Live;
        _live.Publish(new SnapshotTaken(Snapshot("BTCUSDT", 83_084.3, 0.0001)));
        _live.Publish(new SnapshotTaken(Snapshot("ETHUSDT", 3_012.5, -0.00006)));
        _live.OnTradeApplied("BTCUSDT", 83_100.4, Now - 500);
        _live.OnTradeApplied("ETHUSDT", 3_012.75, Now - 400);
        _live.OnTickDone(Now - 15_000, Now - 14_000, 4.2);
        _live.RunningStrategies = 72;
        _live.Publish(new PositionOpened(new PaperPosition { PositionId = 1, StrategyId = Guid.NewGuid(), Symbol = "BTCUSDT", Tier = "standard", Entry = 83_000 }.ToSnapshot()));
        _live.Publish(new PositionOpened(new PaperPosition { PositionId = 2, StrategyId = Guid.NewGuid(), Symbol = "ETHUSDT", Tier = "heavy", Entry = 3_000 }.ToSnapshot()));
    }

    private static string Text(IRenderedComponent<DashboardPage> cut, string testId) =>
        cut.Find($"[data-testid={testId}]").TextContent.Trim();

    [Fact]
    public void Render_PopulatedEngine_ShowsPricesFundingAndEngineStatus()
    {
        Populate();

        var cut = Render<DashboardPage>();

        Assert.Equal("83,100.4", Text(cut, "ticker-price-BTCUSDT"));
        Assert.Equal("3,012.75", Text(cut, "ticker-price-ETHUSDT"));
        Assert.Equal("+0.0100%", Text(cut, "ticker-funding-BTCUSDT"));
        Assert.Equal("-0.0060%", Text(cut, "ticker-funding-ETHUSDT"));
        Assert.Equal("-6.57%", Text(cut, "ticker-annualised-ETHUSDT"));
        Assert.Contains("00:00 (06:30:00)", Text(cut, "ticker-next-funding-BTCUSDT"), StringComparison.Ordinal);
        Assert.Equal("—", Text(cut, "ticker-change-BTCUSDT")); // the open is still loading
        Assert.Contains("17:29:46", Text(cut, "engine-last-tick"), StringComparison.Ordinal); // Beijing time
        Assert.Contains("14 s ago", Text(cut, "engine-last-tick"), StringComparison.Ordinal);
        Assert.Contains("4.2 ms", Text(cut, "engine-last-tick"), StringComparison.Ordinal);
        Assert.Equal("72", Text(cut, "engine-running"));
        Assert.Equal("2", Text(cut, "engine-open-positions"));
        Assert.Equal("live", Text(cut, "engine-phase"));
        Assert.Empty(cut.FindAll("[data-testid=dashboard-warming-up]"));
        Assert.Equal("Source not started yet.", Text(cut, "source-starting"));
    }

    [Fact]
    public void Render_BackfillDraining_ShowsWarmingUpWithProgressEvenWithPrices()
    {
        Populate();
        _live.Phase = PipelinePhase.WarmingUp;
        _live.WarmupProgressSource = () => 0.42;

        var cut = Render<DashboardPage>();

        Assert.Contains("Warming up 42 %", Text(cut, "dashboard-warming-up"), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_EngineWithoutData_ShowsWarmingUpEverywhere()
    {
        _live.Phase = PipelinePhase.WarmingUp;

        var cut = Render<DashboardPage>();

        Assert.Contains("warming up", Text(cut, "dashboard-warming-up"), StringComparison.Ordinal);
        Assert.Equal("warming up", Text(cut, "ticker-price-BTCUSDT"));
        Assert.Equal("—", Text(cut, "ticker-funding-BTCUSDT"));
        Assert.Equal("no tick yet", Text(cut, "engine-last-tick"));
        Assert.Equal("0", Text(cut, "engine-open-positions"));
        Assert.Equal(2, cut.FindAll("[data-testid^=ticker-price-]").Count);
    }

    [Fact]
    public void Render_SourceNone_SaysNoMarketSourceConfigured()
    {
        _options.Source = MarketSourceKind.None;

        var cut = Render<DashboardPage>();

        Assert.Contains("No market source configured", Text(cut, "dashboard-no-source"), StringComparison.Ordinal);
        Assert.Equal("No market source configured.", Text(cut, "source-none"));
        Assert.Equal("—", Text(cut, "ticker-price-ETHUSDT"));
    }

    [Fact]
    public void Render_NoStrategyService_ShowsRankingError()
    {
        var cut = Render<DashboardPage>();

        cut.WaitForAssertion(() => Assert.Contains("Could not load strategies", Text(cut, "best-strategies-error"), StringComparison.Ordinal));
        Assert.Contains("Could not load strategies", Text(cut, "worst-strategies-error"), StringComparison.Ordinal);
    }

    [Fact]
    public void PriceTick_HigherThenLower_UpdatesPriceAndFlashesUpThenDown()
    {
        Populate();
        var cut = Render<DashboardPage>();
        Assert.Equal("none", cut.Find("[data-testid=ticker-price-BTCUSDT]").GetAttribute("data-flash"));

        _notifier.Publish(new PriceTickEvent("BTCUSDT", 83_150.0, Now));
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("83,150.0", Text(cut, "ticker-price-BTCUSDT"));
            Assert.Equal("up", cut.Find("[data-testid=ticker-price-BTCUSDT]").GetAttribute("data-flash"));
            Assert.Contains("dash-flash-up", cut.Find("[data-testid=ticker-price-BTCUSDT]").ClassList);
        });

        _notifier.Publish(new PriceTickEvent("BTCUSDT", 83_000.0, Now));
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("83,000.0", Text(cut, "ticker-price-BTCUSDT"));
            Assert.Equal("down", cut.Find("[data-testid=ticker-price-BTCUSDT]").GetAttribute("data-flash"));
        });
        Assert.Equal("none", cut.Find("[data-testid=ticker-price-ETHUSDT]").GetAttribute("data-flash"));
    }

    [Fact]
    public void EvaluationEvent_NewSnapshot_RefreshesFundingAndEngineStatus()
    {
        Populate();
        var cut = Render<DashboardPage>();

        _live.Publish(new SnapshotTaken(Snapshot("BTCUSDT", 83_084.3, -0.0002)));
        _live.RunningStrategies = 70;
        _notifier.Publish(new EvaluationEvent(Now, Now, 1.5, []));

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("-0.0200%", Text(cut, "ticker-funding-BTCUSDT"));
            Assert.Equal("70", Text(cut, "engine-running"));
        });
    }
}
