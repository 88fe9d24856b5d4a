using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Persistence.Market;

namespace ArbitrageEngine.Engine.Loop;

/// <summary>What warm-up loaded for one symbol.</summary>
public sealed record WarmupResult(string Symbol, long Trades, bool FullDay);

/// <summary>
/// Loads the last 24 h of stored trades of every symbol into the engine before its first evaluation
/// (engine.md §2.6). Symbols are read from the database in parallel, then applied one after the other on
/// the caller (the engine has one writer). A symbol whose stored history reaches back a full day is marked
/// warm at once. Trades go through <see cref="SignalEngine.OnTrade"/>, so restored positions see every exit
/// that happened meanwhile.
/// </summary>
public static class EngineWarmup
{
    /// <summary>History starting within a minute of "24 h ago" counts as a full day (trades are not continuous).</summary>
    private const long FullDaySlackMs = 60_000;

    public static async Task<IReadOnlyList<WarmupResult>> LoadAsync(SignalEngine engine, AggTradeStore store, long nowMs, CancellationToken cancellationToken)
    {
        var from = nowMs - engine.Settings.DayWindowMs;
        var symbols = engine.States.Select(s => s.Symbol).ToArray();
        var reads = symbols.Select(s => store.ReadAllAsync(s, from, nowMs + 1, cancellationToken)).ToArray();
        var earliest = symbols.Select(s => store.EarliestTimeAsync(s, cancellationToken)).ToArray();
        await Task.WhenAll(reads).ConfigureAwait(false);
        await Task.WhenAll(earliest).ConfigureAwait(false);

        var results = new List<WarmupResult>(symbols.Length);
        for (var i = 0; i < symbols.Length; i++)
        {
            var trades = reads[i].Result;
            foreach (var trade in trades)
            {
                engine.OnTrade(symbols[i], trade);
            }

            var fullDay = earliest[i].Result is { } e && e <= from + FullDaySlackMs;
            if (fullDay)
            {
                engine.StateOf(symbols[i])!.MarkHistoryLoaded();
            }

            results.Add(new WarmupResult(symbols[i], trades.Count, fullDay));
        }

        return results;
    }
}
