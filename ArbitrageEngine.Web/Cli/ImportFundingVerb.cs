using System.Globalization;
using ArbitrageEngine.Engine.Funding;
using ArbitrageEngine.Engine.Market.Replay;
using Npgsql;

namespace ArbitrageEngine.Web.Cli;

/// <summary><c>import-funding --symbol SYM FILES...</c>: Binance public monthly fundingRate CSV/ZIP into <c>funding_rates</c> (spec/cli.md).</summary>
public sealed class ImportFundingVerb : ICliVerb
{
    public string Name => "import-funding";

    public string Help =>
        "import-funding --symbol <SYMBOL> <file.csv|file.zip>...\n" +
        "  Imports Binance public monthly fundingRate dumps (calc_time,funding_interval_hours,last_funding_rate; header or not).\n" +
        "  Every file is validated first: a malformed line names its file and line and nothing is imported. Idempotent:\n" +
        "  settlements already stored are counted as duplicates. Prints 'rows=… duplicates=… seconds=…'.\n" +
        "  Uses ConnectionStrings__Default or the local cluster.";

    public async Task<int> RunAsync(CliArguments args)
    {
        var symbol = CliSymbols.Parse(args.Required("symbol"));
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

        // Validate before starting a database: a bad file fails fast and never touches one.
        try
        {
            foreach (var file in args.Positional)
            {
                _ = FundingCsv.ReadFile(file);
            }

            await using var database = await CliDatabase.OpenAsync(CancellationToken.None);
            await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
            var summary = await new FundingImporter(new FundingRateStore(dataSource)).ImportAsync(symbol, args.Positional, CancellationToken.None);
            await Console.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture, $"rows={summary.Rows} duplicates={summary.Duplicates} seconds={summary.Elapsed.TotalSeconds:0.00}"));
            return 0;
        }
        catch (CsvFormatException ex)
        {
            throw new CliException($"malformed {ex.File}: line {ex.Line}: {ex.Reason} (nothing imported)");
        }
        catch (InvalidDataException ex)
        {
            throw new CliException($"unreadable archive: {ex.Message} (nothing imported)");
        }
        catch (NpgsqlException ex)
        {
            throw new CliException($"database error: {ex.Message}");
        }
    }
}

/// <summary>Symbol argument rules shared by the funding verbs.</summary>
internal static class CliSymbols
{
    public static string Parse(string raw)
    {
        var symbol = raw.Trim().ToUpperInvariant();
        return symbol.Length == 0 || !symbol.All(char.IsAsciiLetterOrDigit)
            ? throw new CliException($"--symbol '{raw}' must be letters and digits, e.g. BTCUSDT")
            : symbol;
    }
}
