using System.Diagnostics;
using ArbitrageEngine.Engine.Market.Replay;

namespace ArbitrageEngine.Engine.Funding;

/// <summary>Totals of an <c>import-funding</c> run (spec/cli.md: rows, duplicates, seconds).</summary>
public sealed record FundingImportSummary(long Rows, long Inserted, long Duplicates, TimeSpan Elapsed);

/// <summary>
/// Imports Binance public monthly fundingRate dumps. Every file is validated first (a malformed line names its file and
/// line and nothing is written), then everything is written in one transaction; re-imports count duplicates instead.
/// </summary>
public sealed class FundingImporter(FundingRateStore store)
{
    /// <exception cref="CsvFormatException">A file has a malformed line.</exception>
    public async Task<FundingImportSummary> ImportAsync(string symbol, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var all = new SortedDictionary<long, FundingSettlement>();
        long rows = 0, duplicates = 0;
        foreach (var file in files)
        {
            foreach (var row in FundingCsv.ReadFile(file))
            {
                rows++;
                if (!all.TryAdd(row.TimeMs, row))
                {
                    duplicates++;
                }
            }
        }

        var outcome = await store.WriteAsync(symbol, [.. all.Values], "import", cancellationToken).ConfigureAwait(false);
        return new FundingImportSummary(rows, outcome.Inserted, duplicates + outcome.Duplicates, clock.Elapsed);
    }
}
