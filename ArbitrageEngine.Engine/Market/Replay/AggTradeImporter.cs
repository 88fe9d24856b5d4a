using System.Diagnostics;
using ArbitrageEngine.Engine.Persistence.Market;

namespace ArbitrageEngine.Engine.Market.Replay;

/// <summary>
/// Totals of an import run (spec/cli.md: rows, skipped_zero_qty, duplicates, seconds) and the time span of the files'
/// trades (null without any), for the bars of that span.
/// </summary>
public sealed record ImportSummary(long Rows, long Inserted, long SkippedZeroQty, long Duplicates, int FilesSkipped, TimeSpan Elapsed, long? FirstTimeMs = null, long? LastTimeMs = null);

/// <summary>Progress of an import: file index/count and rows done/total of the current file.</summary>
public readonly record struct ImportProgress(int File, int Files, string Name, long RowsDone, long RowsTotal);

/// <summary>
/// Imports Binance public aggTrades dumps into <c>agg_trades</c>. Every file is parsed and validated whole
/// before anything is written (a malformed file changes nothing), then written in batches through the
/// idempotent store. A file whose whole id range is already stored is skipped, so an interrupted import is
/// resumed by running it again; re-imports never duplicate (duplicates are counted instead).
/// </summary>
public sealed class AggTradeImporter(AggTradeStore store, int batchSize = 50_000)
{
    public async Task<ImportSummary> ImportAsync(string symbol, IReadOnlyList<string> files, Action<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long rows = 0, inserted = 0, zero = 0, duplicates = 0;
        var skippedFiles = 0;
        // Pass 1 validates every file (throws CsvFormatException with file and line) before anything is written;
        // pass 2 parses one file at a time again, so memory holds a single file.
        long? first = null, last = null;
        foreach (var file in files)
        {
            foreach (var t in AggTradeCsv.ReadFile(file).Trades)
            {
                first = Math.Min(first ?? long.MaxValue, t.TimeMs);
                last = Math.Max(last ?? long.MinValue, t.TimeMs);
            }
        }

        for (var f = 0; f < files.Count; f++)
        {
            var file = files[f];
            var csv = AggTradeCsv.ReadFile(file);
            rows += csv.Rows;
            zero += csv.SkippedZeroQty;
            duplicates += csv.DuplicateIds;
            var trades = csv.Trades;
            if (trades.Count == 0)
            {
                continue;
            }

            if (await store.CountAsync(symbol, trades[0].AggId, trades[^1].AggId, cancellationToken).ConfigureAwait(false) >= trades.Count)
            {
                skippedFiles++;
                duplicates += trades.Count;
                progress?.Invoke(new ImportProgress(f + 1, files.Count, Path.GetFileName(file), trades.Count, trades.Count));
                continue;
            }

            var batch = new List<SymbolTrade>(batchSize);
            for (var i = 0; i < trades.Count; i++)
            {
                batch.Add(new SymbolTrade(symbol, trades[i]));
                if (batch.Count == batchSize || i == trades.Count - 1)
                {
                    var outcome = await store.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                    inserted += outcome.Inserted;
                    duplicates += outcome.Duplicates;
                    batch.Clear();
                    progress?.Invoke(new ImportProgress(f + 1, files.Count, Path.GetFileName(file), i + 1, trades.Count));
                }
            }
        }

        return new ImportSummary(rows, inserted, zero, duplicates, skippedFiles, clock.Elapsed, first, last);
    }
}
