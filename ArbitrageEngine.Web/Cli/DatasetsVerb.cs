using System.Globalization;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Web.Hosting.Market;
using Npgsql;

namespace ArbitrageEngine.Web.Cli;

/// <summary>
/// <c>datasets [--dataset NAME]</c>: the stored datasets (spec/cli.md, backtest.md §5), one line per dataset and symbol:
/// <c>dataset=NAME kind=KIND symbol=SYM first=ISO last=ISO trades=N</c> (a dataset without trades: <c>symbol=- first=-
/// last=- trades=0</c>). Datasets in creation order, symbols in ordinal order; times are UTC with milliseconds.
/// </summary>
public sealed class DatasetsVerb(Func<CancellationToken, Task<CliDatabase>>? open = null, TextWriter? output = null) : ICliVerb
{
    private TextWriter Out => output ?? Console.Out;

    public string Name => "datasets";

    public string Help =>
        "datasets [--dataset <NAME>]\n" +
        "  Lists the stored datasets, one line per dataset and symbol:\n" +
        "  dataset=NAME kind=KIND symbol=SYM first=2026-11-30T08:00:00.000Z last=2026-11-30T09:00:00.000Z trades=N\n" +
        "  (a dataset without trades: symbol=- first=- last=- trades=0). --dataset shows one (an unknown name is refused\n" +
        "  with the list of existing ones). Counts scan the dataset's trades. Uses ConnectionStrings__Default or the local cluster.";

    public async Task<int> RunAsync(CliArguments args)
    {
        var only = args.Optional("dataset");
        if (args.Has("dataset") && string.IsNullOrWhiteSpace(only))
        {
            throw new CliException("missing --dataset <value>");
        }

        try
        {
            await using var database = await (open ?? CliDatabase.OpenAsync)(CancellationToken.None);
            await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
            var catalog = new DatasetCatalog(dataSource);
            await MarketDatabase.ClaimConfiguredAsync(catalog, MarketOptionsOf(database), CancellationToken.None);
            IReadOnlyList<DatasetInfo> datasets = only is null ? await catalog.ListAsync() : [await catalog.GetAsync(only.Trim())];
            foreach (var dataset in datasets)
            {
                var ranges = await catalog.RangesAsync(dataset.Id);
                if (ranges.Count == 0)
                {
                    await Out.WriteLineAsync($"dataset={dataset.Name} kind={dataset.Kind} symbol=- first=- last=- trades=0");
                }

                foreach (var r in ranges)
                {
                    await Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"dataset={dataset.Name} kind={dataset.Kind} symbol={r.Symbol} first={Iso(r.FirstTimeMs)} last={Iso(r.LastTimeMs)} trades={r.Trades}"));
                }
            }

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
    }

    /// <summary>The Market section of the verb's configuration (which source, hence which dataset the existing rows belong to).</summary>
    internal static MarketOptions MarketOptionsOf(CliDatabase database) =>
        database.Configuration.GetSection(MarketOptions.SectionName).Get<MarketOptions>() ?? new MarketOptions();

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
