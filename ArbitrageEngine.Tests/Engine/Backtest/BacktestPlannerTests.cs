using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Tests.Engine.Backtest;

public class BacktestPlannerTests
{
    private static readonly DateTimeOffset D0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private const long DayMs = 86_400_000;

    private static readonly StrategyDefinition Running = StrategyDefinition.CreateDefault("BTCUSDT", "btc running") with
    {
        StrategyId = Guid.Parse("11111111-1111-1111-1111-111111111111"),
        InitialBalance = 10_000,
        CurrentBalance = 12_345,
    };

    private static readonly StrategyDefinition Paused = StrategyDefinition.CreateDefault("ETHUSDT", "eth paused") with
    {
        StrategyId = Guid.Parse("22222222-2222-2222-2222-222222222222"),
        Status = StrategyStatus.Paused,
    };

    private static readonly StrategyDefinition Deprecated = StrategyDefinition.CreateDefault("BTCUSDT", "btc old") with
    {
        StrategyId = Guid.Parse("33333333-3333-3333-3333-333333333333"),
        Status = StrategyStatus.Deprecated,
    };

    private static readonly DatasetInfo Sim = new(2, "simulated-1", DatasetKinds.Simulated, 1, D0);

    private static readonly BacktestCatalog Catalog = new(
        [Running, Paused, Deprecated],
        [
            new DatasetCatalogEntry(Sim, [
                new DatasetSymbolRange("BTCUSDT", D0.ToUnixTimeMilliseconds(), D0.ToUnixTimeMilliseconds() + (10 * DayMs), 1000),
                new DatasetSymbolRange("ETHUSDT", D0.ToUnixTimeMilliseconds(), D0.ToUnixTimeMilliseconds() + (10 * DayMs), 1000),
            ]),
            new DatasetCatalogEntry(new DatasetInfo(3, "binance", DatasetKinds.Binance, null, D0), []),
        ],
        ["BTCUSDT", "ETHUSDT", "XRPUSDT", "SOLUSDT"],
        new PaperSettings());

    private static BacktestSpec Spec(string? strategies = "all") => new()
    {
        Dataset = "simulated-1",
        From = D0.AddDays(2),
        To = D0.AddDays(4),
        Strategies = strategies,
    };

    private static IReadOnlyDictionary<string, string[]> Errors(BacktestSpec spec, int cap = 5000)
    {
        var plan = BacktestPlanner.Plan(spec, Catalog, cap);
        Assert.False(plan.IsValid);
        Assert.Null(plan.Request);
        return plan.Errors;
    }

    [Fact]
    public void Plan_All_NotDeprecatedRunAsRunningFromInitialBalance()
    {
        var plan = BacktestPlanner.Plan(Spec() with { WarmupHours = 12, Fee = 0.001, MaxPositions = 7 }, Catalog);

        Assert.True(plan.IsValid, string.Join("; ", plan.Errors.Select(e => e.Key + ": " + string.Join(" ", e.Value))));
        var r = plan.Request!;
        Assert.Equal([Running.StrategyId, Paused.StrategyId], r.Strategies.Select(s => s.StrategyId));
        Assert.All(r.Strategies, s => Assert.Equal(StrategyStatus.Running, s.Status));
        Assert.Equal(10_000, r.Strategies[0].CurrentBalance);
        Assert.Equal(["BTCUSDT", "ETHUSDT"], r.Symbols);
        Assert.Equal(D0.AddDays(2).ToUnixTimeMilliseconds(), r.FromMs);
        Assert.Equal(12 * 3_600_000L, r.WarmupMs);
        Assert.Equal(0.001, r.Paper.FeeRate);
        Assert.Equal(7, r.Paper.MaxPositions);
        Assert.Equal(Sim, r.Dataset);
    }

    [Fact]
    public void Plan_Running_OnlyRunningStrategies() =>
        Assert.Equal([Running.StrategyId], BacktestPlanner.Plan(Spec("running"), Catalog).Request!.Strategies.Select(s => s.StrategyId));

    [Fact]
    public void Plan_Ids_PausedStrategyByIdIsEvaluated()
    {
        var plan = BacktestPlanner.Plan(Spec($"{Paused.StrategyId}"), Catalog);

        Assert.Equal(StrategyStatus.Running, Assert.Single(plan.Request!.Strategies).Status);
    }

    [Fact]
    public void Plan_FromNotBeforeTo_ErrorOnTo() =>
        Assert.Equal(["To must be after from."], Errors(Spec() with { From = D0.AddDays(4), To = D0.AddDays(4) })["to"]);

    [Fact]
    public void Plan_RangeWithoutData_ErrorNamesAvailableRange()
    {
        var errors = Errors(Spec() with { From = D0.AddDays(20), To = D0.AddDays(21) });

        Assert.Contains("Dataset 'simulated-1' has BTCUSDT only from 2026-11-01T00:00:00.000Z to 2026-11-11T00:00:00.000Z.", errors["from"]);
    }

    [Fact]
    public void Plan_DatasetWithoutTheSymbol_Error() =>
        Assert.Contains("Dataset 'binance' has no trades of BTCUSDT.", Errors(Spec() with { Dataset = "binance" })["from"]);

    [Fact]
    public void Plan_UnknownDataset_ErrorListsExisting() =>
        Assert.Equal(["Dataset 'nope' does not exist; existing: simulated-1, binance."], Errors(Spec() with { Dataset = "nope" })["dataset"]);

    [Fact]
    public void Plan_UnknownAndMalformedStrategyIds_Errors()
    {
        var unknown = Guid.NewGuid();

        var errors = Errors(Spec($"{unknown},not-an-id"));

        Assert.Contains($"Unknown strategy {unknown}.", errors["strategies"]);
        Assert.Contains("'not-an-id' is not a strategy id (use all, running or ids separated by commas).", errors["strategies"]);
    }

    [Fact]
    public void Plan_NothingSelected_Error() =>
        Assert.Contains("strategies", Errors(Spec(null)).Keys);

    [Fact]
    public void Plan_UnknownSymbol_Error() =>
        Assert.Contains("Unknown symbol DOGEUSDT; symbols: BTCUSDT, ETHUSDT, XRPUSDT, SOLUSDT.", Errors(Spec() with { Symbols = ["BTCUSDT", "DOGEUSDT"] })["symbols"]);

    [Fact]
    public void Plan_StrategySymbolNotReplayed_Error() =>
        Assert.Contains("Strategy 'eth paused' trades ETHUSDT, which is not among the symbols.", Errors(Spec() with { Symbols = ["BTCUSDT"] })["symbols"]);

    [Fact]
    public void Plan_InvalidAdHocRow_ErrorsPrefixedByRowIndex()
    {
        var good = StrategyDefinition.CreateDefault("BTCUSDT", "ad hoc");
        var bad = good with { EntryScore = 500, DisplayName = "" };

        var errors = Errors(Spec(null) with { Rows = [good, bad] });

        Assert.Contains("rows[1].entry_score", errors.Keys);
        Assert.Contains("rows[1].display_name", errors.Keys);
        Assert.DoesNotContain(errors.Keys, k => k.StartsWith("rows[0]", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_AdHocRowsWithoutIds_GetDistinctStableIds()
    {
        var row = StrategyDefinition.CreateDefault("BTCUSDT", "ad hoc");

        var first = BacktestPlanner.Plan(Spec(null) with { Rows = [row, row with { EntryScore = 80 }] }, Catalog).Request!;
        var again = BacktestPlanner.Plan(Spec(null) with { Rows = [row, row with { EntryScore = 80 }] }, Catalog).Request!;

        Assert.Equal(2, first.Strategies.Select(s => s.StrategyId).Distinct().Count());
        Assert.DoesNotContain(Guid.Empty, first.Strategies.Select(s => s.StrategyId));
        Assert.Equal(first.Strategies.Select(s => s.StrategyId), again.Strategies.Select(s => s.StrategyId));
    }

    [Theory]
    [InlineData(-1, "fee")]
    [InlineData(0.5, "fee")]
    public void Plan_FeeOutOfRange_Error(double fee, string field) =>
        Assert.Equal(["Must be between 0 and 0.01."], Errors(Spec() with { Fee = fee })[field]);

    [Fact]
    public void Plan_OutOfRangePaperAndWarmup_ErrorsPerField()
    {
        var errors = Errors(Spec() with { Risk = 0, MaxPositions = 0, BeBuffer = 9, WarmupHours = 1000 });

        Assert.Subset(errors.Keys.ToHashSet(), new HashSet<string> { "risk", "max_positions", "be_buffer", "warmup_hours" });
    }

    private static BacktestGridSpec Grid(params GridRange[] ranges) => new() { BaseStrategyId = Running.StrategyId, Ranges = ranges };

    [Fact]
    public void Count_RangesAndLists_Product()
    {
        var spec = Spec(null) with
        {
            Grid = Grid(
                new GridRange("entry_score") { Min = 70, Max = 90, Step = 5 },
                new GridRange("cvd_fast_window") { Values = ["5m", "15m"] },
                new GridRange("tp1_ratio") { Min = 0.5m, Max = 1.0m, Step = 0.1m }),
        };

        Assert.Equal(5 * 2 * 6, BacktestGrid.Count(spec));
        Assert.Equal(0, BacktestGrid.Count(Spec()));
    }

    [Fact]
    public void Values_DecimalStep_NoDrift() =>
        Assert.Equal(["0.1", "0.2", "0.3", "0.4"], BacktestGrid.Values(new GridRange("tp1_ratio") { Min = 0.1m, Max = 0.4m, Step = 0.1m }, out _));

    [Theory]
    [InlineData("entry_score", 90, 70, 5, "max must be at least min")]
    [InlineData("entry_score", 70, 90, 0, "step must be greater than 0")]
    [InlineData("cvd_fast_window", 1, 2, 1, "cvd_fast_window takes a list of values")]
    [InlineData("colour", 1, 2, 1, "unknown field 'colour'")]
    public void Values_BadRange_Error(string field, int min, int max, int step, string message)
    {
        Assert.Null(BacktestGrid.Values(new GridRange(field) { Min = min, Max = max, Step = step }, out var error));
        Assert.StartsWith(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Grid_CombinationsWithStableIdsAndLabels()
    {
        var spec = Spec(null) with { Grid = Grid(new GridRange("entry_score") { Values = ["70", "80"] }, new GridRange("tp1_ratio") { Values = ["0.5", "1"] }) };

        var plan = BacktestPlanner.Plan(spec, Catalog);

        Assert.True(plan.IsValid);
        var strategies = plan.Request!.Strategies;
        Assert.Equal([(70, 0.5), (70, 1.0), (80, 0.5), (80, 1.0)], strategies.Select(s => (s.EntryScore, s.Tp1Ratio)));
        Assert.Equal(4, strategies.Select(s => s.StrategyId).Distinct().Count());
        Assert.DoesNotContain(Running.StrategyId, strategies.Select(s => s.StrategyId));
        Assert.Equal("entry_score=80 tp1_ratio=0.5", plan.GridLabels[strategies[2].StrategyId]);
        Assert.Equal(strategies.Select(s => s.StrategyId), BacktestPlanner.Plan(spec, Catalog).Request!.Strategies.Select(s => s.StrategyId));
    }

    [Fact]
    public void Plan_GridOverCap_ErrorSaysCountAndCap()
    {
        var spec = Spec(null) with { Grid = Grid(new GridRange("entry_score") { Min = 60, Max = 95, Step = 1 }, new GridRange("timeout_minutes") { Min = 30, Max = 600, Step = 30 }) };

        Assert.Equal(["The grid has 720 combinations; the cap is 500 (Backtest:MaxCombinations)."], Errors(spec, cap: 500)["grid"]);
    }

    [Fact]
    public void Plan_GridWithInvalidCombination_ErrorNamesIt()
    {
        var spec = Spec(null) with { Grid = Grid(new GridRange("entry_score") { Values = ["70", "500"] }) };

        var errors = Errors(spec);

        Assert.StartsWith("entry_score=500: ", Assert.Single(errors["grid.entry_score"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_GridUnknownBase_Error() =>
        Assert.Contains($"Unknown base strategy {Guid.Empty}.",
            Errors(Spec(null) with { Grid = new BacktestGridSpec { BaseStrategyId = Guid.Empty, Ranges = [new GridRange("entry_score") { Values = ["70"] }] } })["grid"]);
}
