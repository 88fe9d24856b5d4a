using System.Diagnostics;
using System.Globalization;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Market.Replay;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Web.Hosting.Market;
using Npgsql;

namespace ArbitrageEngine.Web.Cli;

/// <summary>
/// <c>rebuild-bars [--dataset NAME] [--symbol SYM]</c>: rebuilds <c>market_bars_1m</c> from the stored trades (every
/// dataset and symbol by default), a day per transaction. Idempotent; the bars of data stored before bars existed
/// come from here. Summary on stdout: <c>datasets=… symbols=… bars=… days=… seconds=…</c>.
/// </summary>
public sealed class RebuildBarsVerb(Func<CancellationToken, Task<CliDatabase>>? open = null, TextWriter? output = null, TextWriter? errors = null) : ICliVerb
{
    private TextWriter Out => output ?? Console.Out;

    private TextWriter Err => errors ?? Console.Error;

    public string Name => "rebuild-bars";

    public string Help =>
        "rebuild-bars [--dataset <NAME>] [--symbol <SYMBOL>]\n" +
        "  Rebuilds the 1-minute bars (market_bars_1m) from the stored trades: every dataset and symbol unless narrowed.\n" +
        "  Idempotent; one transaction per day, so an interrupted run is simply run again. Progress on stderr, then\n" +
        "  'datasets=… symbols=… bars=… days=… seconds=…' on stdout. Uses ConnectionStrings__Default or the local cluster.";

    public async Task<int> RunAsync(CliArguments args)
    {
        var datasetName = args.Optional("dataset")?.Trim();
        if (args.Has("dataset") && string.IsNullOrEmpty(datasetName))
        {
            throw new CliException("missing --dataset <value>");
        }

        var symbol = args.Optional("symbol")?.Trim().ToUpperInvariant();
        if (args.Has("symbol") && (string.IsNullOrEmpty(symbol) || symbol.Length > 32 || !symbol.All(char.IsAsciiLetterOrDigit)))
        {
            throw new CliException($"--symbol '{symbol}' must be letters and digits, e.g. BTCUSDT");
        }

        if (args.Positional.Count > 0)
        {
            throw new CliException($"unexpected argument '{args.Positional[0]}'");
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };

        try
        {
            var clock = Stopwatch.StartNew();
            await using var database = await (open ?? CliDatabase.OpenAsync)(cts.Token);
            await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
            var catalog = new DatasetCatalog(dataSource);
            await MarketDatabase.ClaimConfiguredAsync(catalog, DatasetsVerb.MarketOptionsOf(database), cts.Token);
            IReadOnlyList<DatasetInfo> datasets = datasetName is null ? await catalog.ListAsync(cts.Token) : [await catalog.GetAsync(datasetName, cts.Token)];
            long bars = 0;
            int days = 0, symbols = 0, archivedDays = 0;
            foreach (var dataset in datasets)
            {
                var store = new MarketBarStore(dataSource, dataset.Id);
                var stored = (await store.SymbolsAsync(cts.Token)).Select(s => s.Symbol).ToList();
                if (symbol is not null && !stored.Contains(symbol, StringComparer.Ordinal))
                {
                    if (datasetName is not null)
                    {
                        throw new CliException($"dataset '{dataset.Name}' has no trades of {symbol} (symbols: {(stored.Count == 0 ? "none" : string.Join(", ", stored))})");
                    }

                    continue;
                }

                foreach (var s in symbol is null ? stored : [symbol])
                {
                    var result = await store.RebuildAsync(s, (done, total) =>
                        Err.Write(string.Create(CultureInfo.InvariantCulture, $"\r{dataset.Name} {s}: day {done}/{total}")), cts.Token);
                    await Err.WriteLineAsync();
                    bars += result.Bars;
                    days += result.Days;
                    archivedDays += result.ArchivedDaysKept;
                    symbols++;
                }
            }

            if (symbol is not null && symbols == 0)
            {
                throw new CliException($"no dataset has trades of {symbol}");
            }

            await Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"datasets={datasets.Count} symbols={symbols} bars={bars} days={days} archived_days_kept={archivedDays} seconds={clock.Elapsed.TotalSeconds:0.00}"));
            return 0;
        }
        catch (DatasetNotFoundException ex)
        {
            throw new CliException(ex.Message);
        }
        catch (NpgsqlException ex)
        {
            throw new CliException($"database error: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
            throw new CliException("interrupted; run the same command again to finish");
        }
    }

    /// <summary>
    /// After an import: recomputes the bars of the time span the imported files cover (found while the importer
    /// validated them), so imported trades have bars without a full rebuild. Recomputing is idempotent: re-imports
    /// change nothing.
    /// </summary>
    internal static async Task RefreshImportedAsync(MarketBarStore bars, string symbol, ImportSummary imported, TextWriter progress, CancellationToken cancellationToken)
    {
        if (imported is not { FirstTimeMs: { } from, LastTimeMs: { } to })
        {
            return;
        }

        var result = await bars.RecomputeDaysAsync(symbol, from, to + 1, null, cancellationToken);
        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"bars: {result.Bars} one-minute bars of {symbol} recomputed"));
    }
}
