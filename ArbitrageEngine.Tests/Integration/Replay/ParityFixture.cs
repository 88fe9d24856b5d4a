using System.Text.Json;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Persistence.Engine;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Engine.Persistence.Paper;
using ArbitrageEngine.Engine.Replay;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Replay;

/// <summary>
/// Compares what the live app stored (signal_evaluations, paper_trades) with a parity replay of the same dataset,
/// range and recorded commands: every stored field of every evaluation, and entry/exit time and price, status, P&amp;L
/// in R and USDT and balance after of every paper trade.
/// </summary>
public static class ParityCheck
{
    public sealed record EvaluationRow(Guid StrategyId, long Ts, string Symbol, double Score, string? Direction, string? Signal, string? Tier,
        bool? GatePassed, string? GateBlock, string? Regime, string Result);

    public sealed record TradeRow(Guid StrategyId, long EntryTs, double EntryPrice, string Direction, long? ExitTs, double? ExitPrice, string Status,
        double? PnlR, decimal? PnlUsdt, decimal? BalanceAfter);

    public static async Task<(List<EvaluationRow> Live, List<EvaluationRow> Replay, List<TradeRow> LiveTrades, List<TradeRow> ReplayTrades, ParityReplaySummary Summary)>
        RunAsync(NpgsqlDataSource db, EngineSettings settings, PaperSettings paper)
    {
        var liveEvaluations = await LiveEvaluationsAsync(db);
        var liveTrades = await LiveTradesAsync(db);
        var from = 0L;
        var to = liveEvaluations.Max(e => e.Ts) + 1;

        var evaluations = new List<EvaluationRow>();
        var opened = new Dictionary<long, PositionSnapshot>();
        var closed = new Dictionary<long, (PositionSnapshot Position, double Balance)>();
        var sink = new DelegateEventSink(e =>
        {
            switch (e)
            {
                case EvaluationProduced r:
                    evaluations.Add(ToRow(r.Result));
                    break;
                case PositionOpened o:
                    opened[o.Position.PositionId] = o.Position;
                    break;
                case PositionClosed c:
                    closed[c.Position.PositionId] = (c.Position, c.BalanceAfter);
                    break;
            }
        });

        var dataset = (await new DatasetCatalog(db).ListAsync()).Single(d => d.Kind == DatasetKinds.Simulated);
        var replay = new ParityReplay(settings, paper, new EngineJournal(db, dataset.Id), new AggTradeStore(db, dataset.Id), new FeatureHistoryStore(db, dataset.Id),
            StoredMarketEvents.For(db, dataset));
        var summary = await replay.RunAsync(from, to, sink);

        var replayTrades = opened.Values
            .Select(p => closed.TryGetValue(p.PositionId, out var c) && c.Position.ExitTimeMs < to ? (c.Position, (double?)c.Balance) : (p, null))
            .Select(x => new TradeRow(x.Item1.StrategyId, x.Item1.EntryTimeMs, x.Item1.Entry, x.Item1.Direction.Name(), x.Item1.ExitTimeMs, x.Item1.ExitPrice,
                x.Item1.Status.Name(), x.Item1.PnlR, x.Item1.PnlUsdt is { } u ? Math.Round((decimal)u, 8) : null, x.Item2 is { } b ? Math.Round((decimal)b, 8) : null))
            .OrderBy(t => t.EntryTs).ThenBy(t => t.StrategyId).ToList();
        return (liveEvaluations, evaluations.OrderBy(e => e.Ts).ThenBy(e => e.StrategyId).ToList(), liveTrades, replayTrades, summary);
    }

    private static EvaluationRow ToRow(ScoreResult r) => new(r.StrategyId, r.TimeMs, r.Symbol, r.Score, r.Direction?.Name(), r.Signal?.Name(), r.Tier,
        r.GatePassed, r.GateBlock, r.Regime, Canonical(JsonSerializer.Serialize(r, PaperTradeStore.Json)));

    /// <summary>The JSON with keys sorted, numbers as doubles and strings unescaped, so jsonb's normalisation does not count as a difference.</summary>
    private static string Canonical(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var buffer = new System.Text.StringBuilder();
        Write(doc.RootElement, buffer);
        return buffer.ToString();
    }

    private static void Write(JsonElement e, System.Text.StringBuilder b)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                b.Append('{');
                foreach (var p in e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    b.Append(p.Name).Append(':');
                    Write(p.Value, b);
                    b.Append(',');
                }

                b.Append('}');
                break;
            case JsonValueKind.Array:
                b.Append('[');
                foreach (var item in e.EnumerateArray())
                {
                    Write(item, b);
                    b.Append(',');
                }

                b.Append(']');
                break;
            case JsonValueKind.Number:
                b.Append(e.GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.String:
                // The value, not its escaping: jsonb gives back "<" where the serializer wrote "\u003C".
                b.Append('"').Append(e.GetString()).Append('"');
                break;
            default:
                b.Append(e.GetRawText());
                break;
        }
    }

    private static async Task<List<EvaluationRow>> LiveEvaluationsAsync(NpgsqlDataSource db)
    {
        var rows = new List<EvaluationRow>();
        await using var cmd = db.CreateCommand(
            "SELECT strategy_id, ts, symbol, score, direction, signal, tier, gate_passed, gate_block, regime, result::text FROM signal_evaluations ORDER BY ts, strategy_id");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            rows.Add(new EvaluationRow(r.GetGuid(0), r.GetInt64(1), r.GetString(2), r.GetDouble(3), Str(r, 4), Str(r, 5), Str(r, 6),
                r.IsDBNull(7) ? null : r.GetBoolean(7), Str(r, 8), Str(r, 9), Canonical(r.GetString(10))));
        }

        return rows;
    }

    private static async Task<List<TradeRow>> LiveTradesAsync(NpgsqlDataSource db)
    {
        var rows = new List<TradeRow>();
        await using var cmd = db.CreateCommand("""
            SELECT strategy_id, entry_ts, entry_price, direction, exit_ts, exit_price, status, pnl_r, pnl_usdt, balance_after
            FROM paper_trades ORDER BY entry_ts, strategy_id
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            rows.Add(new TradeRow(r.GetGuid(0), r.GetInt64(1), r.GetDouble(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetInt64(4),
                r.IsDBNull(5) ? null : r.GetDouble(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetDouble(7),
                r.IsDBNull(8) ? null : r.GetDecimal(8), r.IsDBNull(9) ? null : r.GetDecimal(9)));
        }

        return rows;
    }

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
