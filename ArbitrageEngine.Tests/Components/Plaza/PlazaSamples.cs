using ArbitrageEngine.Engine.Persistence.Paper;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Strategies;

namespace ArbitrageEngine.Tests.Components.Plaza;

/// <summary>Builds plaza summaries with only the figures a test cares about.</summary>
internal static class PlazaSamples
{
    public static readonly DateTimeOffset Created = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    public static StrategySummary Summary(
        string name = "alpha",
        string symbol = "BTCUSDT",
        string status = "running",
        int trades = 10,
        int wins = 5,
        double netR = 0,
        double netUsdt = 0,
        double pnl24h = 0,
        double initial = 10_000,
        double current = 10_000,
        int openPositions = 0,
        long? lastExitMs = null,
        DateTimeOffset? created = null,
        DateTimeOffset? deprecatedAt = null)
    {
        var id = Guid.NewGuid();
        var definition = new StrategyDefinition
        {
            StrategyId = id,
            DisplayName = name,
            Symbol = symbol,
            Status = status switch
            {
                "paused" => StrategyStatus.Paused,
                "deprecated" => StrategyStatus.Deprecated,
                _ => StrategyStatus.Running,
            },
            InitialBalance = initial,
            CurrentBalance = current,
        };
        var aggregate = new TradeAggregate(id, trades, wins, trades - wins, netR, netUsdt, 1.2, -0.8, 0, pnl24h, lastExitMs, lastExitMs);
        return new StrategySummary(definition, created ?? Created, created ?? Created, deprecatedAt, status, aggregate, openPositions, null);
    }
}
