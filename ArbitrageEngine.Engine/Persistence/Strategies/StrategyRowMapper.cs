using ArbitrageEngine.Engine.Persistence.Entities;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Persistence.Strategies;

/// <summary>Converts between the stored strategy row and the engine's immutable definition.</summary>
public static class StrategyRowMapper
{
    public static StrategyDefinition ToDefinition(StrategyRow row) => new()
    {
        StrategyId = row.StrategyId,
        DisplayName = row.DisplayName,
        Description = row.Description,
        Symbol = row.Symbol,
        Direction = StrategyNames.TryParseRestriction(row.Direction, out var d) ? d : throw Bad(row, "direction", row.Direction),
        Status = StrategyNames.TryParseStatus(row.Status, out var s) ? s : throw Bad(row, "status", row.Status),
        CvdFastWindow = StrategyNames.TryParseWindow(row.CvdFastWindow, out var f) ? f : throw Bad(row, "cvd_fast_window", row.CvdFastWindow),
        CvdSlowWindow = StrategyNames.TryParseWindow(row.CvdSlowWindow, out var w) ? w : throw Bad(row, "cvd_slow_window", row.CvdSlowWindow),
        WeightDirection = row.WeightDirection,
        WeightEnv = row.WeightEnv,
        WeightAux = row.WeightAux,
        WeightMomentum = row.WeightMomentum,
        EntryScore = row.EntryScore,
        FlipThreshold = row.FlipThreshold,
        GateVolEnabled = row.GateVolEnabled,
        VolAtrPctMin = row.VolAtrPctMin,
        GateCvdEnabled = row.GateCvdEnabled,
        GateWhaleEnabled = row.GateWhaleEnabled,
        WhaleUsdThreshold = row.WhaleUsdThreshold,
        WhaleFlowPct = row.WhaleFlowPct,
        GateObiEnabled = row.GateObiEnabled,
        ObiThreshold = row.ObiThreshold,
        GateSpotPerpEnabled = row.GateSpotPerpEnabled,
        SpotPerpThreshold = row.SpotPerpThreshold,
        SlAtrMultiplier = row.SlAtrMultiplier,
        Tp1Ratio = row.Tp1Ratio,
        Tp2Ratio = row.Tp2Ratio,
        TimeoutMinutes = row.TimeoutMinutes,
        InitialBalance = (double)row.InitialBalance,
        CurrentBalance = (double)row.CurrentBalance,
        Options = StrategyJson.ParseOptions(row.Options),
        Tags = [.. row.Tags],
    };

    /// <summary>Copies every parameter of <paramref name="s"/> onto <paramref name="row"/> (balances only when <paramref name="includeBalances"/>).</summary>
    public static void ApplyTo(StrategyDefinition s, StrategyRow row, bool includeBalances)
    {
        row.DisplayName = s.DisplayName.Trim();
        row.Description = s.Description;
        row.Symbol = s.Symbol;
        row.Direction = s.Direction.Name();
        row.Status = s.Status.Name();
        row.CvdFastWindow = s.CvdFastWindow.Name();
        row.CvdSlowWindow = s.CvdSlowWindow.Name();
        row.WeightDirection = s.WeightDirection;
        row.WeightEnv = s.WeightEnv;
        row.WeightAux = s.WeightAux;
        row.WeightMomentum = s.WeightMomentum;
        row.EntryScore = s.EntryScore;
        row.FlipThreshold = s.FlipThreshold;
        row.GateVolEnabled = s.GateVolEnabled;
        row.VolAtrPctMin = s.VolAtrPctMin;
        row.GateCvdEnabled = s.GateCvdEnabled;
        row.GateWhaleEnabled = s.GateWhaleEnabled;
        row.WhaleUsdThreshold = s.WhaleUsdThreshold;
        row.WhaleFlowPct = s.WhaleFlowPct;
        row.GateObiEnabled = s.GateObiEnabled;
        row.ObiThreshold = s.ObiThreshold;
        row.GateSpotPerpEnabled = s.GateSpotPerpEnabled;
        row.SpotPerpThreshold = s.SpotPerpThreshold;
        row.SlAtrMultiplier = s.SlAtrMultiplier;
        row.Tp1Ratio = s.Tp1Ratio;
        row.Tp2Ratio = s.Tp2Ratio;
        row.TimeoutMinutes = s.TimeoutMinutes;
        row.Options = StrategyJson.SerializeOptions(s.Options);
        row.Tags = [.. s.Tags];
        if (includeBalances)
        {
            row.InitialBalance = (decimal)s.InitialBalance;
            row.CurrentBalance = (decimal)s.CurrentBalance;
        }
    }

    private static FormatException Bad(StrategyRow row, string field, string value) =>
        new($"Strategy {row.StrategyId}: stored {field} '{value}' is not allowed.");
}
