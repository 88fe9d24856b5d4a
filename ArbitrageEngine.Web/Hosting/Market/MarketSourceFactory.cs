using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.Binance;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Market.Simulated;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>
/// Builds the configured market source (Market:Source) and tells it where the stored history ends, so it
/// continues from there: the simulated market resumes each symbol's price and ids, the Binance connector
/// gap-fills from the next agg_id. Nothing else knows which source runs. <c>lastStored</c> must come from the
/// source's own dataset (<see cref="MarketDatabase.TradesAsync(CancellationToken)"/>): a simulation continuing from
/// imported real trades would take over their ids (backtest.md §5).
/// </summary>
public sealed class MarketSourceFactory(IOptions<MarketOptions> options, IConfiguration configuration, MarketClock clock, ILoggerFactory loggers, IOptions<BinanceOptions>? binanceOptions = null)
{
    /// <summary>The configured source, resumed from the last stored trade of each symbol of <paramref name="ownDataset"/>.</summary>
    public async Task<IMarketSource?> CreateAsync(ITradeHistory ownDataset, CancellationToken cancellationToken)
    {
        var last = new Dictionary<string, AggTrade>(StringComparer.Ordinal);
        foreach (var symbol in options.Value.Symbols)
        {
            if (await ownDataset.LastTradeAsync(symbol, cancellationToken) is { } trade)
            {
                last[symbol] = trade;
            }
        }

        return Create(last);
    }

    public IMarketSource? Create(IReadOnlyDictionary<string, AggTrade> lastStored)
    {
        var o = options.Value;
        switch (o.Source)
        {
            case MarketSourceKind.Simulated:
                return new SimulatedMarketSource(o.Simulated.ToOptions(), o.Symbols, clock)
                {
                    Resume = lastStored.ToDictionary(p => p.Key, p => new SimulatedResume(p.Value.Price, p.Value.AggId, p.Value.TimeMs), StringComparer.Ordinal),
                };
            case MarketSourceKind.Binance:
                var binance = (binanceOptions?.Value ?? configuration.GetSection($"{MarketOptions.SectionName}:Binance").Get<BinanceOptions>() ?? new BinanceOptions()) with
                {
                    Symbols = o.Symbols,
                    ResumeAfterAggId = lastStored.ToDictionary(p => p.Key, p => p.Value.AggId, StringComparer.Ordinal),
                };
                return new BinanceMarketSource(binance, time: clock, logger: loggers.CreateLogger<BinanceMarketSource>());
            default:
                return null;
        }
    }
}
