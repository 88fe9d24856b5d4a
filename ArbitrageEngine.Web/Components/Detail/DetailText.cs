using System.Globalization;
using System.Text;
using System.Text.Json;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Persistence.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Web.Localization;

namespace ArbitrageEngine.Web.Components.Detail;

/// <summary>An open position as the positions table shows it, at the live price.</summary>
public sealed record OpenPositionView(PositionSnapshot Position, double? Price, double? UnrealisedR, double? UnrealisedUsdt, double HeldMinutes)
{
    /// <summary>
    /// Unrealised P&amp;L with the half-position rule of engine.md §6.3 (after TP1 half is banked at tp1_ratio and
    /// only the other half moves with the price), net of the round-trip fees so it is comparable with closed trades.
    /// </summary>
    public static OpenPositionView At(PositionSnapshot p, double? price, long nowMs)
    {
        var held = Math.Max(0, nowMs - p.EntryTimeMs) / 60_000.0;
        if (price is not { } px || p.Rd <= 0)
        {
            return new(p, price, null, null, held);
        }

        var r = p.UnrealisedNetR(px);
        return new(p, px, r, PnL.Usdt(r, p.RiskUsd), held);
    }
}

/// <summary>Labels shared by the detail components (ui-reference.md "Conventions").</summary>
public static class DetailText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Tier(string? tier) => tier switch
    {
        "heavy" or "standard" or "light" => UiText.L["Tier." + tier],
        _ => UiText.L["Tier.none"],
    };

    /// <summary>Exit-status badge text.</summary>
    public static string Exit(string status) => status switch
    {
        "tp" or "sl" or "sl_be" or "timeout" or "signal_flip" or "tp1_hit" or "active" => UiText.L["Exit." + status],
        _ => status,
    };

    /// <summary>Resonance badge: both CVDs up, both down, or disagreeing.</summary>
    public static (string Text, string Css) Resonance(double cvdFast, double cvdSlow) =>
        cvdFast > 0 && cvdSlow > 0 ? (UiText.L["Resonance.Long"], "detail-long")
        : cvdFast < 0 && cvdSlow < 0 ? (UiText.L["Resonance.Short"], "detail-short")
        : (UiText.L["Resonance.Divergence"], "detail-neutral");

    public static string SlopeArrow(double slope) => slope > 0 ? "↑" : slope < 0 ? "↓" : "→";

    /// <summary>True when the ATR percentile is in the hot zone (&gt; 60, shown amber with 🔥).</summary>
    public static bool IsHotAtr(double atrPct) => atrPct > 60;

    /// <summary>The evaluation's direction for display ("LONG", "SHORT" or "—").</summary>
    public static string Direction(string? direction) => string.IsNullOrEmpty(direction) ? "—" : direction is "LONG" or "SHORT" ? UiText.L["Dir." + direction] : direction;

    /// <summary>Layer names with their result, in display order.</summary>
    public static IReadOnlyList<(string Key, string Label, LayerScore Layer)> Layers(ScoreLayers l) =>
    [
        ("direction", UiText.L["Layer.direction"], l.Direction),
        ("crowding", UiText.L["Layer.crowding"], l.Crowding),
        ("environment", UiText.L["Layer.environment"], l.Environment),
        ("auxiliary", UiText.L["Layer.auxiliary"], l.Auxiliary),
    ];

    /// <summary>Flattened "key → value" pairs of a stored result, nested objects as "layers.direction.score".</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Factors(JsonElement result)
    {
        var list = new List<KeyValuePair<string, string>>();
        Flatten(result, "", list);
        return list;
    }

    private static void Flatten(JsonElement e, string prefix, List<KeyValuePair<string, string>> into)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in e.EnumerateObject())
            {
                Flatten(p.Value, prefix.Length == 0 ? p.Name : prefix + "." + p.Name, into);
            }
        }
        else
        {
            into.Add(new(prefix, e.ValueKind switch
            {
                JsonValueKind.Null => "null",
                JsonValueKind.Number => e.TryGetDouble(out var d) ? d.ToString("0.######", Inv) : e.GetRawText(),
                JsonValueKind.String => e.GetString() ?? "",
                _ => e.GetRawText(),
            }));
        }
    }

    /// <summary>Trade history as CSV (RFC 4180 quoting, invariant numbers, UTC epoch ms and Beijing time).</summary>
    public static string Csv(IEnumerable<TradeRow> rows)
    {
        var sb = new StringBuilder();
        sb.Append("position_id,symbol,direction,status,tier,score,entry_price,entry_ts,entry_time_bj,exit_price,exit_ts,exit_time_bj,sl,tp1,tp2,tp1_hit,pnl_r,pnl_usdt,risk_usd\r\n");
        foreach (var t in rows)
        {
            string[] cells =
            [
                t.PositionId.ToString(Inv), t.Symbol, t.Direction, t.Status, t.Tier, t.Score.ToString(Inv), t.Entry.ToString(Inv),
                t.EntryTs.ToString(Inv), Formatting.Fmt.Time(t.EntryTs, "yyyy-MM-dd HH:mm:ss"),
                t.ExitPrice?.ToString(Inv) ?? "", t.ExitTs?.ToString(Inv) ?? "", t.ExitTs is null ? "" : Formatting.Fmt.Time(t.ExitTs, "yyyy-MM-dd HH:mm:ss"),
                t.Sl.ToString(Inv), t.Tp1.ToString(Inv), t.Tp2.ToString(Inv), t.Tp1Hit ? "true" : "false",
                t.PnlR?.ToString(Inv) ?? "", t.PnlUsdt?.ToString(Inv) ?? "", t.RiskUsd.ToString(Inv),
            ];
            sb.AppendJoin(',', cells.Select(Quote)).Append("\r\n");
        }

        return sb.ToString();
    }

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    /// <summary>Fields whose value differs between two audit JSON documents (before → after), top level only.</summary>
    public static IReadOnlyList<(string Field, string? Before, string? After)> Changes(string? beforeJson, string? afterJson)
    {
        var before = Read(beforeJson);
        var after = Read(afterJson);
        var keys = before.Keys.Concat(after.Keys).Distinct(StringComparer.Ordinal);
        var result = new List<(string, string?, string?)>();
        foreach (var key in keys)
        {
            before.TryGetValue(key, out var b);
            after.TryGetValue(key, out var a);
            if (!string.Equals(b, a, StringComparison.Ordinal))
            {
                result.Add((key, b, a));
            }
        }

        return result;
    }

    private static Dictionary<string, string> Read(string? json)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return map;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.GetRawText();
                }
            }
        }
        catch (JsonException)
        {
            // An unreadable entry shows as "no field changes" rather than breaking the history list.
        }

        return map;
    }
}
