using System.Diagnostics;
using System.Globalization;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Persistence.Archive;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Web.Extensions;
using ArbitrageEngine.Web.Hosting;
using ArbitrageEngine.Web.Hosting.Archive;
using ArbitrageEngine.Web.Hosting.Market;
using Npgsql;

namespace ArbitrageEngine.Web.Cli;

/// <summary>
/// <c>archive [--dataset NAME] [--symbol SYM] [--before YYYY-MM-DD]</c>: one archive pass now (what the app's archive
/// job does): complete UTC days older than each dataset's retention (or before <c>--before</c>) are written to the
/// archive, verified, recorded and deleted from PostgreSQL. One line per archived day, then
/// <c>files=… rows=… bytes=… deleted_rows=… seconds=…</c>.
/// </summary>
public sealed class ArchiveVerb(Func<CancellationToken, Task<CliDatabase>>? open = null, TextWriter? output = null, TimeProvider? clock = null) : ICliVerb
{
    private TextWriter Out => output ?? Console.Out;

    public string Name => "archive";

    public string Help =>
        "archive [--dataset <NAME>] [--symbol <SYM>] [--before <YYYY-MM-DD>]\n" +
        "  Moves complete UTC days of trades from PostgreSQL into the archive (Parquet per dataset, symbol and day under\n" +
        "  Market:Archive:Root, default .data/archive): each day is written, read back and checked, recorded in archive_files,\n" +
        "  then deleted from the database. Without --before, the days older than the dataset's retention\n" +
        "  (Market:Retention:SimulatedDays / DefaultDays / Datasets:<name>); with it, every day before that date (UTC, not after\n" +
        "  today). --dataset limits the pass to one dataset (default: all), --symbol to one symbol. Prints one line per day,\n" +
        "  then files=N rows=N bytes=N deleted_rows=N seconds=S. Uses ConnectionStrings__Default or the local cluster.";

    public async Task<int> RunAsync(CliArguments args)
    {
        if (args.Positional.Count > 0)
        {
            throw new CliException($"unexpected argument '{args.Positional[0]}' (see archive --help)");
        }

        var only = Value(args, "dataset");
        var symbol = Value(args, "symbol")?.ToUpperInvariant();
        if (symbol is not null && (symbol.Length > 32 || !symbol.All(char.IsAsciiLetterOrDigit)))
        {
            throw new CliException($"--symbol '{symbol}' must be letters and digits, e.g. BTCUSDT");
        }

        var today = DateOnly.FromDateTime((clock ?? TimeProvider.System).GetUtcNow().UtcDateTime);
        DateOnly? before = null;
        if (Value(args, "before") is { } text)
        {
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw new CliException($"--before '{text}' is not a date (YYYY-MM-DD)");
            }

            if (date > today)
            {
                throw new CliException($"--before {text} is after today ({today:yyyy-MM-dd} UTC): only complete days are archived");
            }

            before = date;
        }

        try
        {
            var sw = Stopwatch.StartNew();
            await using var database = await (open ?? CliDatabase.OpenAsync)(CancellationToken.None);
            await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
            var catalog = new DatasetCatalog(dataSource);
            await MarketDatabase.ClaimConfiguredAsync(catalog, DatasetsVerb.MarketOptionsOf(database), CancellationToken.None);
            IReadOnlyList<DatasetInfo> datasets = only is null ? await catalog.ListAsync() : [await catalog.GetAsync(only)];
            var archiveOptions = database.Configuration.GetSection(ArchiveOptions.SectionName).Get<ArchiveOptions>() ?? new ArchiveOptions();
            var retention = database.Configuration.GetSection(RetentionOptions.SectionName).Get<RetentionOptions>() ?? new RetentionOptions();
            var root = ArchiveExtensions.ResolveRoot(database.Configuration, archiveOptions.Root, DatabaseStartup.ProjectRoot(Directory.GetCurrentDirectory()));
            var archiver = new TradeArchiver(dataSource, root);
            var now = (clock ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds();
            var total = ArchivePassResult.None;
            foreach (var dataset in datasets)
            {
                var cutoff = before is { } b ? ArchiveEntry.DayStart(b) : now - (retention.DaysFor(dataset) * ArchiveEntry.DayMs);
                var lines = new List<string>();
                total = total.Add(await archiver.ArchiveAsync(dataset, cutoff, symbol, (entry, deleted) => lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"dataset={dataset.Name} symbol={entry.Symbol} day={entry.Day:yyyy-MM-dd} rows={entry.File.Rows} bytes={entry.File.Bytes} deleted_rows={deleted} file={entry.FullPath()}"))));
                foreach (var line in lines)
                {
                    await Out.WriteLineAsync(line);
                }
            }

            await Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{total} seconds={sw.Elapsed.TotalSeconds:0.0}"));
            return 0;
        }
        catch (DatasetNotFoundException ex)
        {
            throw new CliException(ex.Message);
        }
        catch (Exception ex) when (ex is ArchiveBusyException or ArchiveFileException)
        {
            throw new CliException(ex.Message);
        }
        catch (NpgsqlException ex)
        {
            throw new CliException($"database error: {ex.Message}");
        }
        catch (IOException ex)
        {
            throw new CliException($"archive folder error: {ex.Message}");
        }
    }

    private static string? Value(CliArguments args, string name)
    {
        if (!args.Has(name))
        {
            return null;
        }

        var value = args.Optional(name)?.Trim();
        return string.IsNullOrEmpty(value) ? throw new CliException($"missing --{name} <value>") : value;
    }
}
