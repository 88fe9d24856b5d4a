using System.Globalization;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Backtest;

/// <summary>
/// The strategy fields a grid may vary, by their wire names (engine.md §3), and how a text value is set on a
/// <see cref="StrategyDefinition"/>. Values are parsed with the invariant culture; the result is validated by
/// <see cref="StrategyValidator"/> like any strategy.
/// </summary>
public static class StrategyFields
{
    private static readonly Dictionary<string, Func<StrategyDefinition, string, StrategyDefinition?>> Setters = new(StringComparer.Ordinal)
    {
        ["direction"] = (s, v) => StrategyNames.TryParseRestriction(v, out var d) ? s with { Direction = d } : null,
        ["cvd_fast_window"] = (s, v) => StrategyNames.TryParseWindow(v, out var w) ? s with { CvdFastWindow = w } : null,
        ["cvd_slow_window"] = (s, v) => StrategyNames.TryParseWindow(v, out var w) ? s with { CvdSlowWindow = w } : null,
        ["weight_direction"] = (s, v) => Int(v) is { } i ? s with { WeightDirection = i } : null,
        ["weight_env"] = (s, v) => Int(v) is { } i ? s with { WeightEnv = i } : null,
        ["weight_aux"] = (s, v) => Int(v) is { } i ? s with { WeightAux = i } : null,
        ["weight_momentum"] = (s, v) => Int(v) is { } i ? s with { WeightMomentum = i } : null,
        ["entry_score"] = (s, v) => Int(v) is { } i ? s with { EntryScore = i } : null,
        ["flip_threshold"] = (s, v) => Int(v) is { } i ? s with { FlipThreshold = i } : null,
        ["gate_vol_enabled"] = (s, v) => Bool(v) is { } b ? s with { GateVolEnabled = b } : null,
        ["vol_atr_pct_min"] = (s, v) => Num(v) is { } d ? s with { VolAtrPctMin = d } : null,
        ["gate_cvd_enabled"] = (s, v) => Bool(v) is { } b ? s with { GateCvdEnabled = b } : null,
        ["gate_whale_enabled"] = (s, v) => Bool(v) is { } b ? s with { GateWhaleEnabled = b } : null,
        ["whale_usd_threshold"] = (s, v) => Num(v) is { } d ? s with { WhaleUsdThreshold = d } : null,
        ["whale_flow_pct"] = (s, v) => Num(v) is { } d ? s with { WhaleFlowPct = d } : null,
        ["gate_obi_enabled"] = (s, v) => Bool(v) is { } b ? s with { GateObiEnabled = b } : null,
        ["obi_threshold"] = (s, v) => Num(v) is { } d ? s with { ObiThreshold = d } : null,
        ["gate_spot_perp_enabled"] = (s, v) => Bool(v) is { } b ? s with { GateSpotPerpEnabled = b } : null,
        ["spot_perp_threshold"] = (s, v) => Num(v) is { } d ? s with { SpotPerpThreshold = d } : null,
        ["sl_atr_multiplier"] = (s, v) => Num(v) is { } d ? s with { SlAtrMultiplier = d } : null,
        ["tp1_ratio"] = (s, v) => Num(v) is { } d ? s with { Tp1Ratio = d } : null,
        ["tp2_ratio"] = (s, v) => Num(v) is { } d ? s with { Tp2Ratio = d } : null,
        ["timeout_minutes"] = (s, v) => Int(v) is { } i ? s with { TimeoutMinutes = i } : null,
        ["initial_balance"] = (s, v) => Num(v) is { } d ? s with { InitialBalance = d, CurrentBalance = d } : null,
    };

    /// <summary>Field names a grid may vary.</summary>
    public static IReadOnlyCollection<string> Names => Setters.Keys;

    /// <summary>Fields whose values are numbers (a grid range may give min/max/step for them).</summary>
    public static bool IsNumeric(string field) => field is not ("direction" or "cvd_fast_window" or "cvd_slow_window") && !field.StartsWith("gate_", StringComparison.Ordinal);

    public static bool IsKnown(string field) => Setters.ContainsKey(field);

    /// <summary>Sets <paramref name="field"/> to <paramref name="value"/>; null when the value is not valid text for the field.</summary>
    public static StrategyDefinition? TrySet(StrategyDefinition strategy, string field, string value) =>
        Setters.TryGetValue(field, out var set) ? set(strategy, value.Trim()) : null;

    private static int? Int(string v) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue ? (int)d : null;

    private static double? Num(string v) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;

    private static bool? Bool(string v) => v switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => null,
    };
}
