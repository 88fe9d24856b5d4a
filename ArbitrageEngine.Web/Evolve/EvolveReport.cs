using System.Text.Json;
using System.Text.Json.Serialization;

namespace ArbitrageEngine.Web.Evolve;

/// <summary>The JSON report of a run (evolve.md §7); the Markdown report is rendered from it.</summary>
public sealed record EvolveReport
{
    public Guid RunId { get; init; }
    public DateOnly BeijingDate { get; init; }
    public string Mode { get; init; } = "dry_run";
    public bool Forced { get; init; }
    public string Trigger { get; init; } = "manual";
    public string Actor { get; init; } = "";
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public ReportSettings? Settings { get; init; }
    public ReportWindow? Window { get; init; }
    public List<SymbolReport> Symbols { get; init; } = [];
    public ReportSweep? Sweep { get; init; }
    public List<StrategyRef> Created { get; init; } = [];
    public List<StrategyRef> Retired { get; init; } = [];
    public List<string> Notes { get; init; } = [];

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static EvolveReport? FromJson(string? json) => json is null ? null : JsonSerializer.Deserialize<EvolveReport>(json, Json);
}

public sealed record ReportSettings(
    int LookbackDays, int MinClosedTrades, int NewPerSymbol, int MaxAutoPerSymbol, double MinAgeHours,
    double TrainDays, double TestDays, double WarmupHours, int TopByTrain, string Dataset);

/// <summary>The backtest range: train days [From, Split), test days [Split, To).</summary>
public sealed record ReportWindow(DateTimeOffset From, DateTimeOffset Split, DateTimeOffset To);

public sealed record ReportSweep(int Strategies, int Candidates, double Seconds, long Evaluations, long TradesReplayed, bool Cancelled);

public sealed record StrategyRef(Guid StrategyId, string Name, string Symbol, double? Fitness = null, string? Reason = null);

/// <summary>One running strategy's fitness over the lookback.</summary>
public sealed record FitnessRow(Guid StrategyId, string Name, double Fitness, int Trades, double NetR, double WinRate);

public sealed record SymbolReport
{
    public required string Symbol { get; init; }
    public string? Regime { get; init; }
    public double? AvgAtrPct { get; init; }
    public double? AvgAbsSlope { get; init; }
    public double? SignalRate { get; init; }
    public long Evaluations { get; init; }
    public int RunningStrategies { get; init; }

    /// <summary>Why nothing was proposed or created for the symbol (no running strategy, not enough data…).</summary>
    public string? Note { get; init; }
    public FitnessRow? Parent { get; init; }
    public PeriodRow? ParentTrain { get; init; }
    public PeriodRow? ParentTest { get; init; }
    public List<FitnessRow> Top { get; init; } = [];
    public List<FitnessRow> Bottom { get; init; } = [];
    public int Generated { get; init; }
    public int Duplicates { get; init; }
    public int Invalid { get; init; }
    public List<string> InvalidReasons { get; init; } = [];
    public List<CandidateRow> Candidates { get; init; } = [];
    public string? Decision { get; init; }
    public StrategyRef? Created { get; init; }
    public List<StrategyRef> Retired { get; init; } = [];
}

public sealed record PeriodRow(double Fitness, int Trades, double NetR, double WinRate);

public sealed record CandidateRow
{
    public int Index { get; init; }
    public required string Name { get; init; }
    public required string Profile { get; init; }
    public required string Fast { get; init; }
    public required string Slow { get; init; }
    public int EntryScore { get; init; }
    public double Sl { get; init; }
    public double Tp1 { get; init; }
    public double Tp2 { get; init; }
    public int Timeout { get; init; }
    public required string Weights { get; init; }
    public required PeriodRow InSample { get; init; }
    public required PeriodRow OutOfSample { get; init; }
    public int IsRank { get; init; }
    public bool Chosen { get; init; }
    public string? Refusal { get; init; }
}
