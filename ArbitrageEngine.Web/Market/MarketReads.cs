using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Web.Hosting.Market;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Market;

/// <summary>
/// The reads /market uses (components never touch Npgsql): the datasets, the active one, and <see cref="MarketQueries"/>
/// bound to a chosen dataset.
/// </summary>
public sealed class MarketReads(MarketDatabase market, IOptions<MarketOptions> options)
{
    /// <summary>Every dataset (the page's dataset switch).</summary>
    public async Task<IReadOnlyList<DatasetInfo>> DatasetsAsync(CancellationToken ct = default) => await (await market.DatasetsAsync(ct)).ListAsync(ct);

    /// <summary>The dataset the configured source writes to (the default of the page).</summary>
    public Task<DatasetInfo> ActiveDatasetAsync(CancellationToken ct = default) => market.DatasetAsync(ct);

    /// <summary>The dataset called <paramref name="name"/>, else the active one.</summary>
    public async Task<DatasetInfo> DatasetAsync(string? name, CancellationToken ct = default) =>
        name is { Length: > 0 } && await (await market.DatasetsAsync(ct)).FindAsync(name, ct) is { } found ? found : await market.DatasetAsync(ct);

    public async Task<MarketQueries> QueriesAsync(DatasetInfo dataset, CancellationToken ct = default) => new(await market.DataSourceAsync(ct), dataset.Id);

    /// <summary>
    /// Whether <paramref name="symbol"/> is a market the app knows: configured, or with stored trades in any dataset.
    /// Anything else is answered with the not-found page.
    /// </summary>
    public async Task<bool> IsKnownSymbolAsync(string symbol, CancellationToken ct = default)
    {
        if ((options.Value.Symbols is { Length: > 0 } configured ? configured : MarketOptions.DefaultSymbols).Contains(symbol, StringComparer.Ordinal))
        {
            return true;
        }

        if (symbol.Length is 0 or > 32 || !symbol.All(char.IsAsciiLetterOrDigit))
        {
            return false;
        }

        foreach (var dataset in await DatasetsAsync(ct))
        {
            if ((await (await QueriesAsync(dataset, ct)).SymbolsAsync(ct)).Any(s => s.Symbol == symbol))
            {
                return true;
            }
        }

        return false;
    }
}
