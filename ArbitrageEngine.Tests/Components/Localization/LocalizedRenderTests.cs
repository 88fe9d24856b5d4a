using System.Globalization;
using System.Text.RegularExpressions;
using ArbitrageEngine.Engine.Funding;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Tests.Components.Plaza;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Components.Detail;
using ArbitrageEngine.Web.Components.Funding;
using ArbitrageEngine.Web.Components.Layout;
using ArbitrageEngine.Web.Components.Pages;
using ArbitrageEngine.Web.Components.Pages.Plaza;
using ArbitrageEngine.Web.Components.Plaza;
using ArbitrageEngine.Web.Components.Shared;
using ArbitrageEngine.Web.Hosting;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Live;
using ArbitrageEngine.Web.Localization;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using DashboardPage = ArbitrageEngine.Web.Components.Pages.Dashboard;
using FormComponent = ArbitrageEngine.Web.Components.StrategyForm.StrategyForm;
using PlazaPage = ArbitrageEngine.Web.Components.Pages.Plaza.Plaza;

namespace ArbitrageEngine.Tests.Components.Localization;

/// <summary>
/// Every page and component that renders without a database, in English and in Chinese: no resource key may be
/// missing, no raw key may reach the markup, and the Chinese render must actually show Chinese.
/// </summary>
public sealed partial class LocalizedRenderTests : BunitContext, IAsyncLifetime
{
    private const long Now = 1_764_150_000_000;

    private readonly RecordingLocalizer localizer = new();
    private readonly LiveNotifier notifier = new(TimeProvider.System, NullLogger<LiveNotifier>.Instance);
    private readonly CultureInfo originalCulture = CultureInfo.CurrentCulture;
    private readonly CultureInfo originalUiCulture = CultureInfo.CurrentUICulture;

    public LocalizedRenderTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        Services.AddSingleton<IStringLocalizer<Ui>>(localizer);
        Services.AddLogging();
        Services.AddSingleton(new LiveEngineState());
        Services.AddSingleton(notifier);
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton(Options.Create(new MarketOptions { Symbols = ["BTCUSDT", "ETHUSDT"] }));
        Services.AddSingleton(Options.Create(new PaperOptions()));
        // The database never becomes ready: data calls end in their error or loading state, which must be localised too.
        Services.AddSingleton(new MarketDatabase(new DatabaseEndpoint(new ConfigurationBuilder().Build())));
        Services.AddSingleton<ArbitrageEngine.Web.Strategies.StrategyReads>();
        Services.AddSingleton<ArbitrageEngine.Web.Funding.FundingService>();
        Services.AddSingleton<ArbitrageEngine.Web.Market.MarketReads>();
        Services.AddSingleton(Options.Create(new ArbitrageEngine.Web.Funding.FundingOptions()));
        Services.AddScoped<ClientConnection>();
        Services.AddSingleton<ArbitrageEngine.Web.Backtests.BacktestDatabase>();
        Services.AddSingleton<ArbitrageEngine.Web.Backtests.BacktestReads>();
        Services.AddSingleton<ArbitrageEngine.Web.Backtests.BacktestNotifier>();
        Services.AddSingleton<ArbitrageEngine.Web.Evolve.EvolveStore>();
        Services.AddSingleton<ArbitrageEngine.Web.Evolve.EvolveProgress>();
        Services.AddSingleton<ArbitrageEngine.Web.Evolve.EvolveRunner>();
        Services.AddSingleton<Microsoft.Extensions.Hosting.IHostApplicationLifetime, Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>();
        AddAuthorization().SetAuthorized("admin").SetRoles(ArbitrageEngine.Web.Persistence.Entities.Roles.Admin);
        JSInterop.Mode = JSRuntimeMode.Loose;

        // After the registrations (it reads the service provider): pages render as the interactive server renders them.
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        CultureInfo.CurrentCulture = originalCulture;
        CultureInfo.CurrentUICulture = originalUiCulture;
        notifier.Dispose();
        await DisposeAsync();
    }

    private static readonly StrategyDefinition Btc = StrategyDefinition.CreateDefault("BTCUSDT", "b") with { StrategyId = Guid.NewGuid() };

    private static ScoreResult Result() => new()
    {
        StrategyId = Btc.StrategyId,
        Symbol = "BTCUSDT",
        TimeMs = Now,
        Score = 80,
        GatePassed = false,
        GateBlock = "obi_veto(0.6)",
        AtrPctPrice = 0.003,
        Obi = 0.6,
        SpotPerpDiv = 0.0004,
        WhaleCvdRatio = 0.2,
        CvdFast = 100,
        CvdSlow = 200,
        Tier = "standard",
        Layers = new ScoreLayers(new(30, 37.8, 40), new(10, 17.2, 15), new(12, 25, 10), new(5, 15, 2)),
    };

    private static readonly ClosedTrade[] Trades =
    [
        new(Guid.Empty, "BTCUSDT", TradeDirection.Long, 82, PositionStatus.Tp, Now - 7_200_000, Now - 3_600_000, 1, 200, 1.05, 0.05),
        new(Guid.Empty, "BTCUSDT", TradeDirection.Short, 76, PositionStatus.Sl, Now - 3_000_000, Now - 1_800_000, -1, -200, -0.95, 0.05),
    ];

    // Three days of settlements of both symbols (8-hourly), enough for the 7-day, per-year and BTC+ETH figures.
    private static FundingStatsView FundingStats()
    {
        var history = Enumerable.Range(0, 9).Select(i => new ArbitrageEngine.Engine.Funding.FundingSettlement(Now - (i * 28_800_000L), i % 4 == 0 ? -0.00005 : 0.0001)).Reverse().ToList();
        return FundingStatsView.Compute("BTCUSDT", history, history, history, 0.001);
    }

    private static FundingStatsView EmptyFundingStats() => FundingStatsView.Compute("ETHUSDT", [], [], [], 0.001);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var culture in AppCultures.Supported)
        {
            foreach (var name in Renderers.Keys)
            {
                data.Add(culture, name);
            }
        }

        return data;
    }

    private static readonly Dictionary<string, Func<LocalizedRenderTests, string>> Renderers = new()
    {
        ["Dashboard"] = t => t.Render<DashboardPage>().Markup,
        ["Plaza"] = t => t.Render<PlazaPage>().Markup,
        ["Deprecated"] = t => t.Render<Deprecated>().Markup,
        ["PlazaStats"] = t => t.Render<PlazaStats>().Markup,
        ["StrategyDetail"] = t => t.Render<StrategyDetail>(p => p.Add(c => c.Id, Guid.NewGuid())).Markup,
        ["StrategyEdit"] = t => t.Render<StrategyEdit>(p => p.Add(c => c.Id, Guid.NewGuid())).Markup,
        ["StrategyNew"] = t => t.Render<StrategyNew>().Markup,
        ["NotFound"] = t => t.Render<NotFound>().Markup,
        ["Backtest"] = t => t.Render<Backtest>().Markup,
        ["Evolution"] = t => t.Render<Evolution>().Markup,
        ["Market"] = t => t.Render<ArbitrageEngine.Web.Components.Pages.Market>().Markup,
        ["MarketSymbol"] = t => t.Render<MarketSymbol>(p => p.Add(c => c.Symbol, "BTCUSDT")).Markup,
        ["NavMenu"] = t => t.Render<NavMenu>().Markup,
        ["Forbidden"] = t => t.Render<Forbidden>().Markup,
        ["StrategyCard"] = t => t.Render<StrategyCard>(p => p.Add(c => c.Summary, PlazaSamples.Summary(openPositions: 1)).Add(c => c.NowMs, Now)).Markup,
        ["StrategyCardNoTrades"] = t => t.Render<StrategyCard>(p => p.Add(c => c.Summary, PlazaSamples.Summary(trades: 0, wins: 0)).Add(c => c.NowMs, Now)).Markup,
        ["StatsPanel"] = t => t.Render<StatsPanel>(p => p.Add(c => c.Trades, Trades).Add(c => c.NowMs, Now)).Markup,
        ["GateCard"] = t => t.Render<GateCard>(p => p.Add(c => c.Result, Result()).Add(c => c.Strategy, Btc)).Markup,
        ["LatestEvaluation"] = t => t.Render<LatestEvaluation>(p => p.Add(c => c.Result, Result()).Add(c => c.Strategy, Btc)).Markup,
        ["EquityChart"] = t => t.Render<EquityChart>(p => p.Add(c => c.Trades, Array.Empty<ClosedTrade>())).Markup,
        ["Funding"] = t => t.Render<ArbitrageEngine.Web.Components.Pages.Funding>().Markup,
        ["FundingStatsPanel"] = t => t.Render<FundingStatsPanel>(p => p.Add(c => c.Stats, FundingStats())).Markup,
        ["FundingStatsPanelEmpty"] = t => t.Render<FundingStatsPanel>(p => p.Add(c => c.Stats, EmptyFundingStats())).Markup,
        ["FundingExplanation"] = t => t.Render<FundingExplanation>(p => p.Add(c => c.Stats, FundingStats()).Add(c => c.Fee, 0.001)).Markup,
        ["FundingExplanationEmpty"] = t => t.Render<FundingExplanation>(p => p.Add(c => c.Stats, EmptyFundingStats())).Markup,
        ["StrategyForm"] = t => t.Render<FormComponent>(p => p
            .Add(c => c.Model, ArbitrageEngine.Web.Components.StrategyForm.StrategyFormModel.ForCreate("BTCUSDT"))
            .Add(c => c.OnSubmit, _ => Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>()))).Markup,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_Culture_HasNoMissingKeyAndNoRawKey(string culture, string component)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);

        var markup = Renderers[component](this);

        Assert.Empty(localizer.Missing.Distinct());
        Assert.Empty(RawKey().Matches(markup).Select(m => m.Value).Distinct());
        if (culture == AppCultures.Chinese)
        {
            Assert.Matches(Cjk(), System.Net.WebUtility.HtmlDecode(markup));
        }
    }

    [Fact]
    public void Localizer_UnknownKey_IsRecordedAsMissing()
    {
        _ = localizer["No.Such.Key"];

        Assert.Contains("No.Such.Key", localizer.Missing);
    }

    // A resource key that slipped through untranslated looks like "Plaza.Title" or "Status.running".
    [GeneratedRegex(@"\b(?:Nav|Layout|Common|Plaza|Status|Action|AddBalance|Card|Compare|Deprecated|Tier|Exit|Resonance|Dir|Layer|Gate|GateBlock|GateState|Latest|Signals|Equity|Positions|Paper|Detail|Param|Trades|EvalLog|Cvd|Stats|Form|Validation|Gates|Edit|New|NotFound|Users|Invites|Dash|Phase|Stream|Sort|Error|Reconnect|Account|Tokens|System|Funding|Notify|Market)\.[A-Za-z_][A-Za-z0-9_.]*")]
    private static partial Regex RawKey();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Cjk();
}
