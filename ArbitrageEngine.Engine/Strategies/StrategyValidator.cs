namespace ArbitrageEngine.Engine.Strategies;

/// <summary>
/// Validates every field of a strategy (engine.md §3) and returns messages per field (snake_case wire names),
/// so forms and the API can show each error beside its input. Invalid strategies never reach the engine.
/// </summary>
public static class StrategyValidator
{
    public const int MaxTags = 20;
    public const int MaxTagLength = 30;

    public static IReadOnlyDictionary<string, string[]> Validate(StrategyDefinition s, IReadOnlyCollection<string> configuredSymbols)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        void Range(string field, double value, double min, double max, string unit = "")
        {
            if (!double.IsFinite(value) || value < min || value > max)
            {
                Add(field, $"Must be between {min.ToString(System.Globalization.CultureInfo.InvariantCulture)} and {max.ToString(System.Globalization.CultureInfo.InvariantCulture)}{unit}.");
            }
        }

        var name = s.DisplayName?.Trim() ?? "";
        // PostgreSQL text cannot hold NUL: refuse it here as a field error instead of failing at the database.
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            Add("display_name", "Name must not contain control characters.");
        }
        else if (name.Length == 0)
        {
            Add("display_name", "Name is required.");
        }
        else if (name.Length > 50)
        {
            Add("display_name", "Name must be at most 50 characters.");
        }

        if (s.Description?.Contains('\0', StringComparison.Ordinal) == true)
        {
            Add("description", "Description must not contain control characters.");
        }
        else if ((s.Description?.Length ?? 0) > 200)
        {
            Add("description", "Description must be at most 200 characters.");
        }

        if (string.IsNullOrWhiteSpace(s.Symbol) || !configuredSymbols.Contains(s.Symbol))
        {
            Add("symbol", $"Symbol must be one of: {string.Join(", ", configuredSymbols)}.");
        }

        if (!Enum.IsDefined(s.Direction))
        {
            Add("direction", "Direction must be both, long_only or short_only.");
        }

        if (!Enum.IsDefined(s.Status))
        {
            Add("status", "Status must be running, paused or deprecated.");
        }

        if (!StrategyNames.FastWindows.Contains(s.CvdFastWindow))
        {
            Add("cvd_fast_window", "Fast window must be 5m, 15m or 30m.");
        }

        if (!StrategyNames.SlowWindows.Contains(s.CvdSlowWindow))
        {
            Add("cvd_slow_window", "Slow window must be 30m, 1h or 4h.");
        }
        else if (s.CvdSlowWindow.Milliseconds() <= s.CvdFastWindow.Milliseconds())
        {
            Add("cvd_slow_window", "Slow window must be longer than the fast window.");
        }

        Range("weight_direction", s.WeightDirection, 10, 80);
        Range("weight_env", s.WeightEnv, 5, 60);
        Range("weight_aux", s.WeightAux, 0, 40);
        Range("weight_momentum", s.WeightMomentum, 0, 20);
        var weightSum = s.WeightDirection + s.WeightEnv + s.WeightAux + s.WeightMomentum;
        if (weightSum != 100)
        {
            Add("weights", $"The four weights must sum to exactly 100 (now {weightSum}).");
        }

        Range("entry_score", s.EntryScore, 60, 95);
        Range("flip_threshold", s.FlipThreshold, 60, 95);
        Range("vol_atr_pct_min", s.VolAtrPctMin, 0.0001, 0.02);
        Range("whale_usd_threshold", s.WhaleUsdThreshold, 1_000, 1_000_000, " USD");
        Range("whale_flow_pct", s.WhaleFlowPct, 0, 1);
        Range("obi_threshold", s.ObiThreshold, 0.1, 0.9);
        Range("spot_perp_threshold", s.SpotPerpThreshold, 0.0005, 0.01);
        Range("sl_atr_multiplier", s.SlAtrMultiplier, 0.5, 3.0, "× ATR");
        Range("tp1_ratio", s.Tp1Ratio, 0.3, 2.0, " R");
        Range("tp2_ratio", s.Tp2Ratio, 0.5, 4.0, " R");
        if (double.IsFinite(s.Tp1Ratio) && double.IsFinite(s.Tp2Ratio) && s.Tp2Ratio <= s.Tp1Ratio)
        {
            Add("tp2_ratio", "TP2 must be greater than TP1.");
        }

        Range("timeout_minutes", s.TimeoutMinutes, 30, 1440, " minutes");
        Range("initial_balance", s.InitialBalance, 1_000, 1_000_000, " USDT");
        if (!double.IsFinite(s.CurrentBalance))
        {
            Add("current_balance", "Balance must be a finite number.");
        }

        ValidateOptions(s.Options, Add);
        if (s.Tags.Count > MaxTags)
        {
            Add("tags", $"At most {MaxTags} tags.");
        }
        else if (s.Tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > MaxTagLength || t.Any(char.IsControl)))
        {
            Add("tags", $"Tags must be non-empty, at most {MaxTagLength} characters and without control characters.");
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    private static void ValidateOptions(ScoringOptions? options, Action<string, string> add)
    {
        if (options is null)
        {
            add("options", "Options are required (use {} for none).");
            return;
        }

        var accel = options.AccelIndependent;
        if (!double.IsFinite(accel.MinDirectionScore) || accel.MinDirectionScore < 0 || accel.MinDirectionScore > 55)
        {
            add("options.accel_independent.min_direction_score", "Must be between 0 and 55.");
        }

        var obi = options.ObiScoring;
        if (!double.IsFinite(obi.StrongThreshold) || obi.StrongThreshold <= 0 || obi.StrongThreshold > 1)
        {
            add("options.obi_scoring.strong_threshold", "Must be in (0, 1].");
        }

        if (!double.IsFinite(obi.WeakThreshold) || obi.WeakThreshold <= 0 || obi.WeakThreshold > obi.StrongThreshold)
        {
            add("options.obi_scoring.weak_threshold", "Must be in (0, strong_threshold].");
        }

        if (!double.IsFinite(obi.StrongScore) || obi.StrongScore < 0 || obi.StrongScore > 15)
        {
            add("options.obi_scoring.strong_score", "Must be between 0 and 15.");
        }

        if (!double.IsFinite(obi.WeakScore) || obi.WeakScore < 0 || obi.WeakScore > 15)
        {
            add("options.obi_scoring.weak_score", "Must be between 0 and 15.");
        }
    }
}
