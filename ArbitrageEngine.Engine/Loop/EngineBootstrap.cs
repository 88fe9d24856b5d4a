using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;

namespace ArbitrageEngine.Engine.Loop;

/// <summary>What a session's warm-up loaded for one symbol; recorded, so a replay of the restart loads the same.</summary>
public sealed record SymbolWarmup(string Symbol, long Trades, long? LastAggId, long? LastTimeMs, bool HistoryLoaded);

/// <summary>
/// Warms a session up from storage (engine.md §2.6, backtest.md §4) — the same code for a live (re)start and for a
/// replay of a recorded restart: fresh symbol states get the stored trades of the last 24 h (up to the recorded last
/// agg_id when replaying), then positions still open are marked with the trades after their last processed one
/// (exits missed while the engine was down are taken at their level and time, and nothing before a position's
/// entry or TP1 acts on it again), then every feature gets its last known stored value.
/// </summary>
public static class EngineBootstrap
{
    /// <summary>History starting within a minute of "24 h ago" counts as a full day (trades are not continuous).</summary>
    private const long FullDaySlackMs = 60_000;

    /// <param name="recorded">Per symbol, what the recorded session loaded (replay); null for a live start.</param>
    public static async Task<IReadOnlyList<SymbolWarmup>> WarmUpAsync(
        EngineLoop loop,
        ITradeHistory trades,
        IFeatureHistory? features,
        long atMs,
        IReadOnlyDictionary<string, SymbolWarmup>? recorded,
        CancellationToken cancellationToken)
    {
        var engine = loop.Engine;
        var from = atMs - engine.Settings.DayWindowMs;
        var symbols = engine.States.Select(s => s.Symbol).ToArray();
        var reads = new Task<List<AggTrade>>[symbols.Length];
        var earliest = new Task<long?>[symbols.Length];
        for (var i = 0; i < symbols.Length; i++)
        {
            var symbol = symbols[i];
            var maxAggId = recorded is null ? long.MaxValue : recorded.TryGetValue(symbol, out var r) ? r.LastAggId ?? long.MinValue : long.MinValue;
            reads[i] = ReadAsync(trades, symbol, from, atMs + 1, maxAggId, cancellationToken);
            earliest[i] = recorded is null ? trades.EarliestTimeAsync(symbol, cancellationToken) : Task.FromResult<long?>(null);
        }

        await Task.WhenAll(reads).ConfigureAwait(false);
        await Task.WhenAll(earliest).ConfigureAwait(false);

        var results = new List<SymbolWarmup>(symbols.Length);
        for (var i = 0; i < symbols.Length; i++)
        {
            var symbol = symbols[i];
            var list = reads[i].Result;
            foreach (var trade in list)
            {
                engine.WarmTrade(symbol, trade);
            }

            MarkMissedExits(loop, symbol, list);
            var historyLoaded = recorded is null
                ? earliest[i].Result is { } e && e <= from + FullDaySlackMs
                : recorded.TryGetValue(symbol, out var r) && r.HistoryLoaded;
            if (historyLoaded)
            {
                engine.StateOf(symbol)!.MarkHistoryLoaded();
            }

            results.Add(new SymbolWarmup(symbol, list.Count, list.Count > 0 ? list[^1].AggId : null, list.Count > 0 ? list[^1].TimeMs : null, historyLoaded));
        }

        if (features is not null)
        {
            foreach (var f in await features.LatestAsync(symbols, atMs, cancellationToken).ConfigureAwait(false))
            {
                engine.OnFeature(f.Symbol, f.Key, f.Value, f.TimeMs);
            }
        }

        return results;
    }

    private static async Task<List<AggTrade>> ReadAsync(ITradeHistory trades, string symbol, long from, long to, long maxAggId, CancellationToken ct)
    {
        var list = new List<AggTrade>();
        await trades.ReadAsync(symbol, from, to, maxAggId, list.Add, ct).ConfigureAwait(false);
        return list;
    }

    /// <summary>Offers the warm-up trades after the oldest open entry of <paramref name="symbol"/> to the broker (it skips what each position already saw).</summary>
    private static void MarkMissedExits(EngineLoop loop, string symbol, List<AggTrade> trades)
    {
        var oldestEntry = long.MaxValue;
        foreach (var p in loop.Broker.ActivePositions)
        {
            if (p.Symbol == symbol)
            {
                oldestEntry = Math.Min(oldestEntry, p.EntryTimeMs);
            }
        }

        if (oldestEntry == long.MaxValue)
        {
            return;
        }

        foreach (var trade in trades)
        {
            if (trade.TimeMs > oldestEntry)
            {
                loop.Broker.OnTrade(symbol, trade);
            }
        }
    }
}
