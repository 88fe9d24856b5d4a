using System.Globalization;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Market.Replay;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Web.Hosting.Market;
using Npgsql;

namespace ArbitrageEngine.Web.Cli;

/// <summary>
/// <c>import --symbol SYM [--dataset NAME] FILES...</c>: Binance public aggTrades CSV/ZIP into <c>agg_trades</c>, as a
/// dataset (spec/cli.md, backtest.md §5). The default dataset is <c>binance</c> (the dumps carry Binance's own agg
/// ids, the same as the live connector); a new other name is created with kind <c>import</c>. A simulated dataset is
/// never imported into.
/// </summary>
public sealed class ImportVerb(Func<CancellationToken, Task<CliDatabase>>? open = null, TextWriter? output = null, TextWriter? errors = null) : ICliVerb
{
    private TextWriter Out => output ?? Console.Out;

    private TextWriter Err => errors ?? Console.Error;

    public string Name => "import";

    public string Help =>
        "import --symbol <SYMBOL> [--dataset <NAME>] <file.csv|file.zip>...\n" +
        "  Imports Binance public aggTrades dumps (header or not, any row order; zero-quantity rows skipped) into the database,\n" +
        "  as dataset NAME (default 'binance', the live connector's: the dumps carry Binance's own ids; any other new name is\n" +
        "  created with kind 'import'; simulated datasets are refused). Letters, digits, '-', '_' and '.' in NAME.\n" +
        "  Idempotent and resumable: run it again after an interruption. Progress on stderr, then\n" +
        "  'rows=… skipped_zero_qty=… duplicates=… seconds=…' on stdout. Uses ConnectionStrings__Default or the local cluster.";

    public async Task<int> RunAsync(CliArguments args)
    {
        var symbol = args.Required("symbol").Trim().ToUpperInvariant();
        if (symbol.Length == 0 || !symbol.All(char.IsAsciiLetterOrDigit))
        {
            throw new CliException($"--symbol '{symbol}' must be letters and digits, e.g. BTCUSDT");
        }

        var datasetName = (args.Optional("dataset") ?? MarketDatabase.BinanceDataset).Trim();
        if (datasetName.Length is 0 or > 64 || !datasetName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new CliException($"--dataset '{datasetName}' must be 1-64 letters, digits, '-', '_' or '.'");
        }

        if (args.Positional.Count == 0)
        {
            throw new CliException("no files given");
        }

        foreach (var file in args.Positional)
        {
            if (!File.Exists(file))
            {
                throw new CliException($"cannot read '{file}': no such file");
            }
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };

        try
        {
            await using var database = await (open ?? CliDatabase.OpenAsync)(cts.Token);
            await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
            var catalog = new DatasetCatalog(dataSource);
            await MarketDatabase.ClaimConfiguredAsync(catalog, DatasetsVerb.MarketOptionsOf(database), cts.Token);
            var dataset = await catalog.FindAsync(datasetName, cts.Token);
            if (dataset is { Kind: DatasetKinds.Simulated or DatasetKinds.Pending })
            {
                throw new CliException($"dataset '{datasetName}' is {dataset.Kind}: real trades never go into it; choose another --dataset (nothing imported)");
            }

            var created = dataset is null;
            dataset ??= await catalog.EnsureAsync(datasetName, datasetName == MarketDatabase.BinanceDataset ? DatasetKinds.Binance : DatasetKinds.Import, null, cts.Token);
            await Err.WriteLineAsync($"importing {symbol} into dataset '{dataset.Name}' ({dataset.Kind})");
            var importer = new AggTradeImporter(new AggTradeStore(dataSource, dataset.Id));
            ImportSummary summary;
            try
            {
                summary = await importer.ImportAsync(symbol, args.Positional, DrawProgress, cts.Token);
            }
            catch (CsvFormatException) when (created)
            {
                // Bad input changes nothing: the dataset this run created goes again (files are validated before any write).
                await catalog.DeleteIfEmptyAsync(dataset.Id, CancellationToken.None);
                throw;
            }

            await Err.WriteLineAsync();
            await RebuildBarsVerb.RefreshImportedAsync(new MarketBarStore(dataSource, dataset.Id), symbol, summary, Err, cts.Token);
            await Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"rows={summary.Rows} skipped_zero_qty={summary.SkippedZeroQty} duplicates={summary.Duplicates} seconds={summary.Elapsed.TotalSeconds:0.00}"));
            return 0;
        }
        catch (CsvFormatException ex)
        {
            throw new CliException($"malformed {ex.File}: line {ex.Line}: {ex.Reason} (nothing imported)");
        }
        catch (NpgsqlException ex)
        {
            throw new CliException($"database error: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
            throw new CliException("interrupted; run the same command again to resume");
        }
    }

    private void DrawProgress(ImportProgress p)
    {
        const int Width = 30;
        var fraction = p.RowsTotal == 0 ? 1 : (double)p.RowsDone / p.RowsTotal;
        var filled = (int)(fraction * Width);
        Err.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r[{new string('#', filled)}{new string(' ', Width - filled)}] {fraction * 100,5:0.0}%  file {p.File}/{p.Files} {p.Name}  {p.RowsDone:N0}/{p.RowsTotal:N0} rows"));
    }
}
