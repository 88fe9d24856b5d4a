using System.Globalization;
using System.Text.Json;

namespace ArbitrageEngine.Engine.Strategies;

/// <summary>Reads and writes strategies in the snake_case wire format of engine.md §3 (golden files, API, options column).</summary>
public static class StrategyJson
{
    /// <summary>Parses a strategy row; absent fields take the defaults of engine.md §3, malformed ones throw <see cref="FormatException"/>.</summary>
    public static StrategyDefinition Parse(JsonElement e)
    {
        var symbol = Str(e, "symbol") ?? "BTCUSDT";
        var d = StrategyDefinition.CreateDefault(symbol);
        var initial = Num(e, "initial_balance") ?? d.InitialBalance;
        return d with
        {
            StrategyId = Str(e, "strategy_id") is { } id
                ? Guid.TryParse(id, out var g) ? g : throw new FormatException($"strategy_id '{id}' is not a uuid")
                : throw new FormatException("missing field strategy_id"),
            DisplayName = Str(e, "display_name") ?? "",
            Description = Str(e, "description") ?? "",
            Direction = Parse(e, "direction", d.Direction, StrategyNames.TryParseRestriction),
            Status = Parse(e, "status", d.Status, StrategyNames.TryParseStatus),
            CvdFastWindow = Parse(e, "cvd_fast_window", d.CvdFastWindow, StrategyNames.TryParseWindow),
            CvdSlowWindow = Parse(e, "cvd_slow_window", d.CvdSlowWindow, StrategyNames.TryParseWindow),
            WeightDirection = Int(e, "weight_direction") ?? d.WeightDirection,
            WeightEnv = Int(e, "weight_env") ?? d.WeightEnv,
            WeightAux = Int(e, "weight_aux") ?? d.WeightAux,
            WeightMomentum = Int(e, "weight_momentum") ?? d.WeightMomentum,
            EntryScore = Int(e, "entry_score") ?? d.EntryScore,
            FlipThreshold = Int(e, "flip_threshold") ?? d.FlipThreshold,
            GateVolEnabled = Bool(e, "gate_vol_enabled") ?? d.GateVolEnabled,
            VolAtrPctMin = Num(e, "vol_atr_pct_min") ?? d.VolAtrPctMin,
            GateCvdEnabled = Bool(e, "gate_cvd_enabled") ?? d.GateCvdEnabled,
            GateWhaleEnabled = Bool(e, "gate_whale_enabled") ?? d.GateWhaleEnabled,
            WhaleUsdThreshold = Num(e, "whale_usd_threshold") ?? d.WhaleUsdThreshold,
            WhaleFlowPct = Num(e, "whale_flow_pct") ?? d.WhaleFlowPct,
            GateObiEnabled = Bool(e, "gate_obi_enabled") ?? d.GateObiEnabled,
            ObiThreshold = Num(e, "obi_threshold") ?? d.ObiThreshold,
            GateSpotPerpEnabled = Bool(e, "gate_spot_perp_enabled") ?? d.GateSpotPerpEnabled,
            SpotPerpThreshold = Num(e, "spot_perp_threshold") ?? d.SpotPerpThreshold,
            SlAtrMultiplier = Num(e, "sl_atr_multiplier") ?? d.SlAtrMultiplier,
            Tp1Ratio = Num(e, "tp1_ratio") ?? d.Tp1Ratio,
            Tp2Ratio = Num(e, "tp2_ratio") ?? d.Tp2Ratio,
            TimeoutMinutes = Int(e, "timeout_minutes") ?? d.TimeoutMinutes,
            InitialBalance = initial,
            CurrentBalance = Num(e, "current_balance") ?? initial,
            Options = e.TryGetProperty("options", out var o) && o.ValueKind == JsonValueKind.Object ? ParseOptions(o) : ScoringOptions.None,
            Tags = e.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array
                ? t.EnumerateArray().Select(x => x.GetString() ?? "").ToArray()
                : [],
        };
    }

    public static ScoringOptions ParseOptions(JsonElement o)
    {
        var result = ScoringOptions.None;
        if (o.TryGetProperty("accel_independent", out var a) && a.ValueKind == JsonValueKind.Object)
        {
            result = result with
            {
                AccelIndependent = new AccelIndependentOption(
                    Bool(a, "enabled") ?? false,
                    Num(a, "min_direction_score") ?? 35),
            };
        }

        if (o.TryGetProperty("obi_scoring", out var b) && b.ValueKind == JsonValueKind.Object)
        {
            var defaults = new ObiScoringOption();
            result = result with
            {
                ObiScoring = new ObiScoringOption(
                    Bool(b, "enabled") ?? false,
                    Num(b, "strong_threshold") ?? defaults.StrongThreshold,
                    Num(b, "weak_threshold") ?? defaults.WeakThreshold,
                    Num(b, "strong_score") ?? defaults.StrongScore,
                    Num(b, "weak_score") ?? defaults.WeakScore),
            };
        }

        return result;
    }

    public static ScoringOptions ParseOptions(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return ScoringOptions.None;
        }

        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.ValueKind == JsonValueKind.Object ? ParseOptions(doc.RootElement) : ScoringOptions.None;
    }

    /// <summary>The options as stored in the <c>options</c> jsonb column; only enabled options are written.</summary>
    public static string SerializeOptions(ScoringOptions options)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            if (options.AccelIndependent.Enabled)
            {
                w.WriteStartObject("accel_independent");
                w.WriteBoolean("enabled", true);
                w.WriteNumber("min_direction_score", options.AccelIndependent.MinDirectionScore);
                w.WriteEndObject();
            }

            if (options.ObiScoring.Enabled)
            {
                var b = options.ObiScoring;
                w.WriteStartObject("obi_scoring");
                w.WriteBoolean("enabled", true);
                w.WriteNumber("strong_threshold", b.StrongThreshold);
                w.WriteNumber("weak_threshold", b.WeakThreshold);
                w.WriteNumber("strong_score", b.StrongScore);
                w.WriteNumber("weak_score", b.WeakScore);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private delegate bool TryParser<T>(string? text, out T value);

    private static T Parse<T>(JsonElement e, string name, T fallback, TryParser<T> parser)
    {
        var text = Str(e, name);
        if (text is null)
        {
            return fallback;
        }

        return parser(text, out var value) ? value : throw new FormatException($"{name}: '{text}' is not allowed");
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw new FormatException($"{name} must be a string")
            : null;

    private static double? Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw new FormatException($"{name} must be a number")
            : null;

    private static int? Int(JsonElement e, string name)
    {
        var n = Num(e, name);
        if (n is null)
        {
            return null;
        }

        return n.Value == Math.Floor(n.Value) && Math.Abs(n.Value) < int.MaxValue
            ? (int)n.Value
            : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{name} must be an integer (got {n.Value})"));
    }

    private static bool? Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw new FormatException($"{name} must be true or false")
            : null;
}
