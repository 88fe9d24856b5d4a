using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Tests.Engine.Backtest;
using ArbitrageEngine.Tests.Infrastructure;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Backtest;

/// <summary>The runner over a dataset stored in PostgreSQL (the product path: StoredMarketEvents).</summary>
[Collection(PostgresCollection.Name)]
public sealed class StoredBacktestTests(PostgresFixture postgres) : IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;
    private DatasetInfo _dataset = null!;

    public async Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync("backtest"));
        _dataset = await GoldenDataset.ImportAsync(_dataSource, "golden-6h");
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    private static string Key(PositionSnapshot p) => FormattableString.Invariant(
        $"{p.StrategyId} {p.Direction} {p.EntryTimeMs} {p.Entry:R} {p.ExitTimeMs} {p.ExitPrice:R} {p.Status} {p.Tp1Hit} {p.PnlR:R} {p.PnlUsdt:R}");

    [Fact]
    public async Task RunAsync_GoldenStreamStoredAsDataset_SameTradesAsConformanceReplay()
    {
        var runner = new BacktestRunner(GoldenEvents.Golden.Engine, StoredMarketEvents.For(_dataSource, _dataset));
        var request = new BacktestRequest
        {
            Strategies = GoldenEvents.Strategies,
            Symbols = GoldenEvents.Golden.Engine.Symbols,
            Dataset = _dataset,
            FromMs = GoldenEvents.FromMs,
            ToMs = GoldenEvents.ToMs,
            WarmupMs = 0,
            Paper = GoldenEvents.Golden.Paper,
        };

        var result = await runner.RunAsync(request, null, CancellationToken.None);

        Assert.Equal(GoldenEvents.ConformanceTrades().Select(Key), result.Trades.Select(t => Key(t.Position)));
        Assert.Equal(1440, result.Ticks);
        Assert.Equal(GoldenEvents.Events.Count(e => e.TimeMs < GoldenEvents.ToMs), result.TradesReplayed);
    }
}
