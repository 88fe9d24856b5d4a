using System.Globalization;
using ArbitrageEngine.Engine.Market.Replay;
using ArbitrageEngine.Engine.Persistence.Market;
using Npgsql;

namespace ArbitrageEngine.Web.Cli;

/// <summary><c>import --symbol SYM FILES...</c>: Binance public aggTrades CSV/ZIP into <c>agg_trades</c> (spec/cli.md).</summary>
public sealed class ImportVerb : ICliVerb
{
    public string Name => "import";

    public string Help =>
        "import --symbol <SYMBOL> <file.csv|file.zip>...\n" +
        "  Imports Binance public aggTrades dumps (header or not, any row order; zero-quantity rows skipped) into the database.\n" +
        "  Idempotent and resumable: run it again after an interruption. Progress on stderr, then\n" +
        "  'rows=… skipped_zero_qty=… duplicates=… seconds=…' on stdout. Uses ConnectionStrings__Default or the local cluster.";

    public async Task<int> RunAsync(CliArguments args)
    {
        var symbol = args.Required("symbol").Trim().ToUpperInvariant();
        if (symbol.Length == 0 || !symbol.All(char.IsAsciiLetterOrDigit))
        {
            throw new CliException($"--symbol '{symbol}' must be letters and digits, e.g. BTCUSDT");
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
            await using var database = await CliDatabase.OpenAsync(cts.Token);
            await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
            var importer = new AggTradeImporter(new AggTradeStore(dataSource));
            var summary = await importer.ImportAsync(symbol, args.Positional, DrawProgress, cts.Token);
            await Console.Error.WriteLineAsync();
            await Console.Out.WriteLineAsync(string.Create(
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

    private static void DrawProgress(ImportProgress p)
    {
        const int Width = 30;
        var fraction = p.RowsTotal == 0 ? 1 : (double)p.RowsDone / p.RowsTotal;
        var filled = (int)(fraction * Width);
        Console.Error.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r[{new string('#', filled)}{new string(' ', Width - filled)}] {fraction * 100,5:0.0}%  file {p.File}/{p.Files} {p.Name}  {p.RowsDone:N0}/{p.RowsTotal:N0} rows"));
    }
}
