using System.Globalization;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Components.Formatting;
using ArbitrageEngine.Web.Localization;

namespace ArbitrageEngine.Web.Components.Detail;

/// <summary>Outcome of one gate at one tick.</summary>
public enum GateState
{
    Passed,
    Veto,
    Off,

    /// <summary>Not evaluated: an earlier gate already blocked (engine.md §4.2 stops at the first failure).</summary>
    Skipped,
}

/// <summary>One row of the gate card: the measured value against the strategy's threshold.</summary>
public sealed record GateRow(string Key, string Label, bool Enabled, string Value, string Threshold, GateState State)
{
    public bool Blocking => State == GateState.Veto;
}

/// <summary>
/// Builds the gate card from a result and the strategy. Pass/veto comes from the engine's <c>gate_block</c>
/// (the authority); the values and thresholds are shown so the user can see why.
/// </summary>
public static class GateRows
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Gate keys in evaluation order (they name the strategy's <c>gate_*_enabled</c> fields).</summary>
    public static readonly string[] Keys = ["vol", "cvd", "whale", "obi", "spot_perp"];

    /// <summary>The gate that a <c>gate_block</c> code belongs to, or null.</summary>
    public static string? KeyOf(string? blockCode) => blockCode switch
    {
        "low_vol" => "vol",
        "no_direction_consensus" => "cvd",
        "whale_cvd_veto" or "whale_adverse" => "whale",
        "obi_veto" => "obi",
        "spd_veto" => "spot_perp",
        _ => null,
    };

    /// <summary>Human-readable block reason.</summary>
    public static string Reason(string? blockCode) => blockCode switch
    {
        null => UiText.L["Gate.AllPassed"],
        "low_vol" or "no_direction_consensus" or "whale_cvd_veto" or "whale_adverse" or "obi_veto" or "spd_veto" => UiText.L["GateBlock." + blockCode],
        _ => blockCode,
    };

    public static IReadOnlyList<GateRow> Build(ScoreResult r, StrategyDefinition s)
    {
        var blockKey = KeyOf(r.GateBlockCode);
        var blockIndex = blockKey is null ? int.MaxValue : Array.IndexOf(Keys, blockKey);
        var isBtc = string.Equals(s.Symbol, "BTCUSDT", StringComparison.Ordinal);

        GateState StateOf(string key, bool enabled)
        {
            if (!enabled)
            {
                return GateState.Off;
            }

            var index = Array.IndexOf(Keys, key);
            return index == blockIndex ? GateState.Veto : index > blockIndex ? GateState.Skipped : GateState.Passed;
        }

        var cvdValue = UiText.L["Gate.CvdValue", Fmt.Compact(r.CvdFast), Fmt.Compact(r.CvdSlow)];
        var whaleValue = isBtc ? UiText.L["Gate.Flow", Fmt.Percent(r.WhaleCvdRatio)] : UiText.L["Gate.LargeOrders"];
        var whaleThreshold = isBtc
            ? $"±{Fmt.Percent(s.WhaleFlowPct)}"
            : $"≥ ${s.WhaleUsdThreshold.ToString("#,##0", Inv)}";
        return
        [
            new("vol", UiText.L["Gate.vol"], s.GateVolEnabled, Fmt.Percent(r.AtrPctPrice, 3), $"≥ {Fmt.Percent(s.VolAtrPctMin, 3)}", StateOf("vol", s.GateVolEnabled)),
            new("cvd", UiText.L["Gate.cvd"], s.GateCvdEnabled, cvdValue, UiText.L["Gate.SameSign"], StateOf("cvd", s.GateCvdEnabled)),
            new("whale", UiText.L["Gate.whale"], s.GateWhaleEnabled, whaleValue, whaleThreshold, StateOf("whale", s.GateWhaleEnabled)),
            new("obi", UiText.L["Gate.obi"], s.GateObiEnabled, r.Obi is { } obi ? obi.ToString("+0.00;-0.00;0.00", Inv) : "n/a",
                $"±{s.ObiThreshold.ToString("0.00", Inv)}", StateOf("obi", s.GateObiEnabled)),
            new("spot_perp", UiText.L["Gate.spot_perp"], s.GateSpotPerpEnabled, r.SpotPerpDiv is { } d ? (d * 10_000).ToString("+0.0;-0.0;0.0", Inv) + " bps" : "n/a",
                $"±{Fmt.Percent(s.SpotPerpThreshold, 2)}", StateOf("spot_perp", s.GateSpotPerpEnabled)),
        ];
    }
}
