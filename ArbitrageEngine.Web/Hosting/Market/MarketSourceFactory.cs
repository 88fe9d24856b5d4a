using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.Simulated;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>Builds the configured market source (Market:Source); nothing else knows which one runs.</summary>
public sealed class MarketSourceFactory(IOptions<MarketOptions> options, TimeProvider clock, IServiceProvider services)
{
    public IMarketSource? Create()
    {
        var o = options.Value;
        return o.Source switch
        {
            MarketSourceKind.Simulated => new SimulatedMarketSource(o.Simulated.ToOptions(), o.Symbols, clock),
            MarketSourceKind.Binance => CreateBinance(o),
            _ => null,
        };
    }

    private IMarketSource CreateBinance(MarketOptions o) =>
        services.GetService<Func<IReadOnlyList<string>, IMarketSource>>()?.Invoke(o.Symbols)
        ?? throw new InvalidOperationException("Market:Source=Binance but the Binance connector is not registered.");
}
