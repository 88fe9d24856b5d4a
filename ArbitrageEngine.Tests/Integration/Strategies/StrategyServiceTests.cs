using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Strategies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Tests.Integration.Strategies;

[Collection(PostgresCollection.Name)]
public sealed class StrategyServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly AuditActor Alice = new("alice", "u-1", "127.0.0.1");
    private string _connectionString = null!;
    private readonly EngineCommandQueue _queue = new();
    private readonly EngineLoop _loop = new(new EngineSettings { Symbols = MarketOptions.DefaultSymbols }, new PaperSettings());
    private long _tick;

    private SignalEngine _engine => _loop.Engine;

    /// <summary>Moves the posted commands into the loop and runs a tick (commands apply at tick boundaries); returns how many moved.</summary>
    private int Drain()
    {
        var moved = _queue.DrainTo(_loop);
        _loop.Tick(_tick += 15_000);
        return moved;
    }

    public async Task InitializeAsync() => _connectionString = await postgres.CreateMigratedDatabaseAsync("strategies");

    public Task DisposeAsync() => Task.CompletedTask;

    private (StrategyService Service, ArbitrageEngine.Web.Persistence.ArbitrageDbContext Db) NewService()
    {
        var db = PostgresFixture.CreateContext(_connectionString);
        var options = Options.Create(new MarketOptions { Symbols = MarketOptions.DefaultSymbols });
        return (new StrategyService(db, new AuditLog(db), _queue, options, TimeProvider.System), db);
    }

    private static StrategyDefinition Draft(string name = "My ETH 15m") => StrategyDefinition.CreateDefault("ETHUSDT", name) with
    {
        CvdFastWindow = CvdWindow.M15,
        CvdSlowWindow = CvdWindow.H1,
    };

    private async Task<StrategyDefinition> Created()
    {
        var (service, db) = NewService();
        await using var _ = db;
        var result = await service.CreateAsync(Draft(), Alice);
        Assert.True(result.Succeeded);
        Drain();
        return result.Value!;
    }

    [Fact]
    public async Task CreateAsync_Valid_StoresAuditsAndReachesTheEngine()
    {
        var created = await Created();

        await using var db = PostgresFixture.CreateContext(_connectionString);
        var row = await db.Strategies.SingleAsync(s => s.StrategyId == created.StrategyId);
        Assert.Equal("My ETH 15m", row.DisplayName);
        Assert.Equal(10_000m, row.CurrentBalance);
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.Action == "strategy.create" && a.TargetId == created.StrategyId.ToString()));
        Assert.Equal(created, _engine.StrategyById(created.StrategyId));
    }

    [Fact]
    public async Task CreateAsync_Invalid_ReturnsFieldErrorsAndSavesNothing()
    {
        var (service, db) = NewService();
        await using var _ = db;

        var result = await service.CreateAsync(Draft("") with { WeightDirection = 60, Tp2Ratio = 0.5 }, Alice);

        Assert.False(result.Succeeded);
        Assert.NotNull(result.Status.ErrorFor("display_name"));
        Assert.NotNull(result.Status.ErrorFor("weights"));
        Assert.NotNull(result.Status.ErrorFor("tp2_ratio"));
        Assert.Equal(0, await db.Strategies.CountAsync());
        Assert.Equal(0, Drain());
    }

    [Fact]
    public async Task UpdateAsync_ChangedParameter_ReachesTheEngineAtTheNextDrain_SymbolIsImmutable()
    {
        var created = await Created();
        var (service, db) = NewService();
        await using var _ = db;

        var moved = await service.UpdateAsync(created.StrategyId, created with { Symbol = "BTCUSDT" }, Alice);
        var edited = await service.UpdateAsync(created.StrategyId, created with { EntryScore = 88 }, Alice);
        Drain();

        Assert.NotNull(moved.Status.ErrorFor("symbol"));
        Assert.True(edited.Succeeded);
        Assert.Equal(88, _engine.StrategyById(created.StrategyId)!.EntryScore);
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.Action == "strategy.update"));
    }

    [Fact]
    public async Task StatusActions_FollowTheLifecycle_AndRefuseWrongTransitions()
    {
        var created = await Created();
        var (service, db) = NewService();
        await using var _ = db;
        var id = created.StrategyId;

        Assert.True((await service.PauseAsync(id, Alice)).Succeeded);
        Assert.False((await service.PauseAsync(id, Alice)).Succeeded);
        Assert.True((await service.ResumeAsync(id, Alice)).Succeeded);
        Assert.NotNull((await service.DeprecateAsync(id, confirmed: false, Alice)).Status.ErrorFor("confirm"));
        Assert.True((await service.DeprecateAsync(id, confirmed: true, Alice)).Succeeded);
        Assert.Equal(StrategyStatus.Deprecated, (await service.FindAsync(id))!.Status);
        Assert.True((await service.RestoreAsync(id, Alice)).Succeeded);
        Drain();

        Assert.Equal(StrategyStatus.Paused, (await service.FindAsync(id))!.Status);
        Assert.Equal(StrategyStatus.Paused, _engine.StrategyById(id)!.Status);
        Assert.Equal(4, await db.AuditLog.CountAsync(a => a.TargetId == id.ToString() && a.Action != "strategy.create")); // refused actions are not audited
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(1_000_001)]
    public async Task AddBalanceAsync_OutOfRange_IsRefused(decimal amount)
    {
        var created = await Created();
        var (service, db) = NewService();
        await using var _ = db;

        Assert.NotNull((await service.AddBalanceAsync(created.StrategyId, amount, Alice)).Status.ErrorFor("amount"));
        Assert.Equal(10_000m, (await db.Strategies.SingleAsync()).InitialBalance);
    }

    [Fact]
    public async Task AddBalanceAsync_RaisesInitialAndCurrent_RecordsTheEvent_TopsUpTheEngine()
    {
        var created = await Created();
        var (service, db) = NewService();
        await using var _ = db;

        var result = await service.AddBalanceAsync(created.StrategyId, 2_500m, Alice);
        Drain();

        Assert.True(result.Succeeded);
        var row = await db.Strategies.SingleAsync();
        Assert.Equal((12_500m, 12_500m), (row.InitialBalance, row.CurrentBalance));
        Assert.Equal(1, await db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM balance_events WHERE amount = 2500").SingleAsync());
        var account = _engine.Broker.AccountFor(created);
        Assert.Equal((12_500.0, 12_500.0), (account.InitialBalance, account.CurrentBalance));
    }
}
