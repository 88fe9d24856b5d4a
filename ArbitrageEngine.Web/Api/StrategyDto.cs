using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Web.Api;

/// <summary>A strategy as the API shows it (engine.md §3 field names).</summary>
public sealed record StrategyDto(
    Guid StrategyId,
    string DisplayName,
    string Description,
    string Symbol,
    string Direction,
    string Status,
    string CvdFastWindow,
    string CvdSlowWindow,
    int WeightDirection,
    int WeightEnv,
    int WeightAux,
    int WeightMomentum,
    int EntryScore,
    int FlipThreshold,
    bool GateVolEnabled,
    double VolAtrPctMin,
    bool GateCvdEnabled,
    bool GateWhaleEnabled,
    double WhaleUsdThreshold,
    double WhaleFlowPct,
    bool GateObiEnabled,
    double ObiThreshold,
    bool GateSpotPerpEnabled,
    double SpotPerpThreshold,
    double SlAtrMultiplier,
    double Tp1Ratio,
    double Tp2Ratio,
    int TimeoutMinutes,
    double InitialBalance,
    double CurrentBalance,
    IReadOnlyList<string> Tags)
{
    public static StrategyDto From(StrategyDefinition s) => new(
        s.StrategyId, s.DisplayName, s.Description, s.Symbol, s.Direction.Name(), s.Status.Name(), s.CvdFastWindow.Name(), s.CvdSlowWindow.Name(),
        s.WeightDirection, s.WeightEnv, s.WeightAux, s.WeightMomentum, s.EntryScore, s.FlipThreshold, s.GateVolEnabled, s.VolAtrPctMin,
        s.GateCvdEnabled, s.GateWhaleEnabled, s.WhaleUsdThreshold, s.WhaleFlowPct, s.GateObiEnabled, s.ObiThreshold, s.GateSpotPerpEnabled,
        s.SpotPerpThreshold, s.SlAtrMultiplier, s.Tp1Ratio, s.Tp2Ratio, s.TimeoutMinutes, s.InitialBalance, s.CurrentBalance, s.Tags);
}

/// <summary>
/// Create/update body: every field optional (absent = the default for the symbol, or the current value on
/// update). Enumerations are the wire names; a bad one is a field error, not a 500.
/// </summary>
public sealed record StrategyInput
{
    public string? DisplayName { get; init; }
    public string? Description { get; init; }
    public string? Symbol { get; init; }
    public string? Direction { get; init; }
    public string? CvdFastWindow { get; init; }
    public string? CvdSlowWindow { get; init; }
    public int? WeightDirection { get; init; }
    public int? WeightEnv { get; init; }
    public int? WeightAux { get; init; }
    public int? WeightMomentum { get; init; }
    public int? EntryScore { get; init; }
    public int? FlipThreshold { get; init; }
    public bool? GateVolEnabled { get; init; }
    public double? VolAtrPctMin { get; init; }
    public bool? GateCvdEnabled { get; init; }
    public bool? GateWhaleEnabled { get; init; }
    public double? WhaleUsdThreshold { get; init; }
    public double? WhaleFlowPct { get; init; }
    public bool? GateObiEnabled { get; init; }
    public double? ObiThreshold { get; init; }
    public bool? GateSpotPerpEnabled { get; init; }
    public double? SpotPerpThreshold { get; init; }
    public double? SlAtrMultiplier { get; init; }
    public double? Tp1Ratio { get; init; }
    public double? Tp2Ratio { get; init; }
    public int? TimeoutMinutes { get; init; }
    public double? InitialBalance { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Applies the given fields onto <paramref name="baseline"/>; unknown enumeration names go to <paramref name="errors"/>.</summary>
    public StrategyDefinition ApplyTo(StrategyDefinition baseline, Dictionary<string, string[]> errors)
    {
        T Parse<T>(string field, string? text, T current, WireNameParser<T> parse)
        {
            if (text is null)
            {
                return current;
            }

            if (parse(text, out var value))
            {
                return value;
            }

            errors[field] = [$"'{text}' is not allowed."];
            return current;
        }

        return baseline with
        {
            DisplayName = DisplayName ?? baseline.DisplayName,
            Description = Description ?? baseline.Description,
            Symbol = Symbol ?? baseline.Symbol,
            Direction = Parse("direction", Direction, baseline.Direction, StrategyNames.TryParseRestriction),
            CvdFastWindow = Parse("cvd_fast_window", CvdFastWindow, baseline.CvdFastWindow, StrategyNames.TryParseWindow),
            CvdSlowWindow = Parse("cvd_slow_window", CvdSlowWindow, baseline.CvdSlowWindow, StrategyNames.TryParseWindow),
            WeightDirection = WeightDirection ?? baseline.WeightDirection,
            WeightEnv = WeightEnv ?? baseline.WeightEnv,
            WeightAux = WeightAux ?? baseline.WeightAux,
            WeightMomentum = WeightMomentum ?? baseline.WeightMomentum,
            EntryScore = EntryScore ?? baseline.EntryScore,
            FlipThreshold = FlipThreshold ?? baseline.FlipThreshold,
            GateVolEnabled = GateVolEnabled ?? baseline.GateVolEnabled,
            VolAtrPctMin = VolAtrPctMin ?? baseline.VolAtrPctMin,
            GateCvdEnabled = GateCvdEnabled ?? baseline.GateCvdEnabled,
            GateWhaleEnabled = GateWhaleEnabled ?? baseline.GateWhaleEnabled,
            WhaleUsdThreshold = WhaleUsdThreshold ?? baseline.WhaleUsdThreshold,
            WhaleFlowPct = WhaleFlowPct ?? baseline.WhaleFlowPct,
            GateObiEnabled = GateObiEnabled ?? baseline.GateObiEnabled,
            ObiThreshold = ObiThreshold ?? baseline.ObiThreshold,
            GateSpotPerpEnabled = GateSpotPerpEnabled ?? baseline.GateSpotPerpEnabled,
            SpotPerpThreshold = SpotPerpThreshold ?? baseline.SpotPerpThreshold,
            SlAtrMultiplier = SlAtrMultiplier ?? baseline.SlAtrMultiplier,
            Tp1Ratio = Tp1Ratio ?? baseline.Tp1Ratio,
            Tp2Ratio = Tp2Ratio ?? baseline.Tp2Ratio,
            TimeoutMinutes = TimeoutMinutes ?? baseline.TimeoutMinutes,
            InitialBalance = InitialBalance ?? baseline.InitialBalance,
            Tags = Tags ?? baseline.Tags,
        };
    }
}

/// <summary>Parses a wire name ("long_only", "15m", …).</summary>
public delegate bool WireNameParser<T>(string? text, out T value);
