using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Backtest;

/// <summary>A malformed parameter or grid file: the message names the row or field.</summary>
public sealed class BacktestSpecFormatException(string message) : Exception(message);

/// <summary>
/// The JSON inputs of a backtest (CLI files, API bodies): parameter rows and grids.
/// <para>Rows: an array of strategy rows in the snake_case format of engine.md §3 (the golden files' and the API's);
/// absent fields take the defaults, <c>strategy_id</c> may be omitted (a stable id is assigned).</para>
/// <para>Grid: <c>{"base": "&lt;strategy id&gt;" | {row}, "ranges": {"entry_score": {"min": 70, "max": 90, "step": 5},
/// "cvd_fast_window": ["5m", "15m"], …}}</c>.</para>
/// </summary>
public static class BacktestSpecJson
{
    public static IReadOnlyList<StrategyDefinition> ParseRows(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new BacktestSpecFormatException("expected an array of strategy rows");
        }

        var rows = new List<StrategyDefinition>();
        var i = 0;
        foreach (var e in array.EnumerateArray())
        {
            rows.Add(ParseRow(e, FormattableString.Invariant($"row {i}")));
            i++;
        }

        return rows;
    }

    public static StrategyDefinition ParseRow(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new BacktestSpecFormatException($"{where}: expected an object");
        }

        try
        {
            if (!e.TryGetProperty("strategy_id", out _))
            {
                var node = JsonNode.Parse(e.GetRawText())!.AsObject();
                node["strategy_id"] = Guid.Empty.ToString();
                using var doc = JsonDocument.Parse(node.ToJsonString());
                return StrategyJson.Parse(doc.RootElement);
            }

            return StrategyJson.Parse(e);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or JsonException)
        {
            throw new BacktestSpecFormatException($"{where}: {ex.Message}");
        }
    }

    public static BacktestGridSpec ParseGrid(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new BacktestSpecFormatException("expected an object with base and ranges");
        }

        Guid? baseId = null;
        StrategyDefinition? baseRow = null;
        if (!e.TryGetProperty("base", out var b))
        {
            throw new BacktestSpecFormatException("missing base (a strategy id or a strategy row)");
        }

        if (b.ValueKind == JsonValueKind.String)
        {
            baseId = Guid.TryParse(b.GetString(), out var g) ? g : throw new BacktestSpecFormatException($"base '{b.GetString()}' is not a strategy id");
        }
        else
        {
            baseRow = ParseRow(b, "base");
        }

        if (!e.TryGetProperty("ranges", out var r) || r.ValueKind != JsonValueKind.Object)
        {
            throw new BacktestSpecFormatException("missing ranges (an object: field → {min, max, step} or [values])");
        }

        var ranges = new List<GridRange>();
        foreach (var p in r.EnumerateObject())
        {
            ranges.Add(p.Value.ValueKind switch
            {
                JsonValueKind.Array => new GridRange(p.Name) { Values = [.. p.Value.EnumerateArray().Select(v => Text(v, p.Name))] },
                JsonValueKind.Object => new GridRange(p.Name)
                {
                    Min = Decimal(p.Value, "min", p.Name),
                    Max = Decimal(p.Value, "max", p.Name),
                    Step = Decimal(p.Value, "step", p.Name),
                },
                _ => throw new BacktestSpecFormatException($"ranges.{p.Name}: expected {{min, max, step}} or a list of values"),
            });
        }

        return new BacktestGridSpec { BaseStrategyId = baseId, BaseRow = baseRow, Ranges = ranges };
    }

    private static string Text(JsonElement v, string field) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw new BacktestSpecFormatException($"ranges.{field}: values must be numbers, strings or booleans"),
    };

    private static decimal? Decimal(JsonElement o, string name, string field)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.Number && decimal.TryParse(v.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d
            : throw new BacktestSpecFormatException($"ranges.{field}.{name}: expected a number");
    }
}
