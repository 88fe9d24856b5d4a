using ArbitrageEngine.Engine.Market;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

// Same namespace as the trade store and writer it works with (the writer calls the upkeep, the upkeep the store: one slice, no cycle).
namespace ArbitrageEngine.Engine.Persistence.Market;

/// <summary>
/// Keeps the 1-minute bars in step with the live trade writer, once per flushed batch: a batch stored without
/// duplicates is merged as it is (nothing read back); a batch that met stored trades recomputes its minutes from
/// <c>agg_trades</c>; a batch that stored nothing changes nothing. A failed bar update never fails the trade write:
/// its minutes are remembered and recomputed at the next flush, and <see cref="CatchUpAsync"/> at start recomputes
/// the minutes after the newest bar (trades committed just before a crash).
/// </summary>
public sealed partial class MarketBarUpkeep(MarketBarStore bars, ILogger? logger = null)
{
    /// <summary>Catch-up at start looks back at most this far (a longer gap is a job for <c>rebuild-bars</c>).</summary>
    public const long MaxCatchUpMs = 24 * 3_600_000L;

    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly Dictionary<string, (long From, long To)> _dirty = new(StringComparer.Ordinal);
    private long _failures;

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Minutes waiting to be recomputed after a failed update.</summary>
    public int DirtySymbols => _dirty.Count;

    /// <summary>Brings the bars up to date with a batch the trade store has just written. Never throws but on cancellation.</summary>
    public async Task AfterWriteAsync(IReadOnlyList<SymbolTrade> batch, WriteOutcome outcome, CancellationToken cancellationToken)
    {
        if (outcome.Inserted == 0 && _dirty.Count == 0)
        {
            return; // a replay of stored trades: nothing changed
        }

        try
        {
            await RecomputeDirtyAsync(cancellationToken).ConfigureAwait(false);
            if (outcome.Inserted == 0)
            {
                return;
            }

            if (outcome.Duplicates == 0)
            {
                await bars.AddAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                foreach (var (symbol, from, to) in Ranges(batch))
                {
                    await bars.RecomputeAsync(symbol, from, to, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failures);
            foreach (var (symbol, from, to) in Ranges(batch))
            {
                MarkDirty(symbol, from, to);
            }

            LogBarsFailed(ex, _dirty.Count);
        }
    }

    /// <summary>
    /// Recomputes, per symbol of the dataset that has bars, the minutes from its newest bar to its last stored trade
    /// (at most <see cref="MaxCatchUpMs"/>). Symbols without any bar are left to <c>rebuild-bars</c>.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var (symbol, lastTimeMs) in await bars.SymbolsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await bars.LastBarAsync(symbol, cancellationToken).ConfigureAwait(false) is not { } lastBar)
                {
                    LogNoBars(symbol);
                    continue;
                }

                if (lastTimeMs >= lastBar)
                {
                    await bars.RecomputeAsync(symbol, Math.Max(lastBar, lastTimeMs - MaxCatchUpMs), lastTimeMs + 1, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failures);
            LogCatchUpFailed(ex);
        }
    }

    private async Task RecomputeDirtyAsync(CancellationToken cancellationToken)
    {
        foreach (var (symbol, (from, to)) in _dirty.ToArray())
        {
            await bars.RecomputeAsync(symbol, from, to, cancellationToken).ConfigureAwait(false);
            _dirty.Remove(symbol);
        }
    }

    private void MarkDirty(string symbol, long from, long to) =>
        _dirty[symbol] = _dirty.TryGetValue(symbol, out var d) ? (Math.Min(d.From, from), Math.Max(d.To, to)) : (from, to);

    /// <summary>Per symbol of the batch: [first trade time, last trade time + 1).</summary>
    private static IEnumerable<(string Symbol, long From, long To)> Ranges(IReadOnlyList<SymbolTrade> batch) =>
        batch.GroupBy(t => t.Symbol, StringComparer.Ordinal).Select(g => (g.Key, g.Min(t => t.Trade.TimeMs), g.Max(t => t.Trade.TimeMs) + 1));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bar update failed; {Symbols} symbols' minutes will be recomputed at the next flush")]
    private partial void LogBarsFailed(Exception ex, int symbols);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bar catch-up at start failed; run 'rebuild-bars' if bars look incomplete")]
    private partial void LogCatchUpFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "No 1-minute bars for {Symbol} yet: run 'rebuild-bars' to build them from the stored trades")]
    private partial void LogNoBars(string symbol);
}
