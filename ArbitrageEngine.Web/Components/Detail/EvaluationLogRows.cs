using System.Text.Json;
using ArbitrageEngine.Engine.Persistence.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Web.Components.Detail;

/// <summary>
/// Live updates of the evaluation log: a result pushed by the engine is shown before its row is written (the write
/// is asynchronous), so the first page is never a tick behind and grows as ticks arrive.
/// </summary>
public static class EvaluationLogRows
{
    // The stored result JSON uses the same shape (snake_case, enum names), so the expanded factors look alike.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The row the store writes for a result.</summary>
    public static EvaluationRow From(ScoreResult r) => new(
        r.TimeMs, r.Symbol, r.Score, r.Direction?.Name(), r.Signal?.Name(), r.Tier, r.GatePassed, r.GateBlock, r.Regime,
        JsonSerializer.SerializeToElement(r, Json));

    /// <summary>True when the row passes the log's filters (the same rules as the stored query).</summary>
    public static bool Matches(EvaluationRow row, EvaluationFilter filter) =>
        (!filter.SignalsOnly || row.Signal is not null)
        && (!filter.BlockedOnly || row.GatePassed == false)
        && (filter.Gate is null || string.Equals(row.GateBlock?.Split('(')[0], filter.Gate, StringComparison.Ordinal));

    /// <summary>
    /// The first page with <paramref name="result"/> on top when it is newer than every row and matches the filter,
    /// trimmed to the page size; older pages (<c>BeforeTs</c> set) and stale results leave the rows as they are.
    /// </summary>
    public static IReadOnlyList<EvaluationRow> Prepend(IReadOnlyList<EvaluationRow> rows, ScoreResult? result, EvaluationFilter filter)
    {
        if (result is null || filter.BeforeTs is not null || (rows.Count > 0 && rows[0].Ts >= result.TimeMs))
        {
            return rows;
        }

        var row = From(result);
        return Matches(row, filter) ? [row, .. rows.Take(Math.Max(0, filter.Limit - 1))] : rows;
    }
}
