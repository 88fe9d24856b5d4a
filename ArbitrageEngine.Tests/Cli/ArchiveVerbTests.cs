using System.Globalization;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Persistence.Archive;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Cli;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace ArbitrageEngine.Tests.Cli;

[Collection(PostgresCollection.Name)]
public sealed class ArchiveVerbTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 10, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly long Oct10 = new DateTimeOffset(2026, 10, 10, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"ae-archive-verb-{Guid.NewGuid():N}");
    private string _connectionString = null!;

    public async Task InitializeAsync() => _connectionString = await postgres.CreateMigratedDatabaseAsync("archiveverb");

    public Task DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }

    private Task<CliDatabase> Open(CancellationToken _) => Task.FromResult(new CliDatabase
    {
        ConnectionString = _connectionString,
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Market:Source"] = "Simulated",
            ["Market:Simulated:Seed"] = "77",
            ["Market:Archive:Root"] = _root,
            ["Market:Retention:Datasets:real"] = "5",
        }).Build(),
    });

    private async Task<(int Code, string[] Lines)> RunAsync(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        var code = await new ArchiveVerb(Open, output, new FixedClock(Now)).RunAsync(CliArguments.Parse(args));
        return (code, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>Four days (Oct 10–13) of ETHUSDT in dataset "real", a trade a minute.</summary>
    private async Task<int> StoreAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        var dataset = await new DatasetCatalog(dataSource).EnsureAsync("real", DatasetKinds.Import, null);
        var trades = Enumerable.Range(0, 4 * 1440).Select(i => new SymbolTrade("ETHUSDT", new AggTrade(100 + i, Oct10 + (i * 60_000L), 3000 + (i % 50 * 0.01), 0.5, i % 2 == 0))).ToList();
        await new AggTradeStore(dataSource, dataset.Id).WriteAsync(trades);
        return trades.Count;
    }

    [Theory]
    [InlineData("--before 2026-13-01", "--before '2026-13-01' is not a date (YYYY-MM-DD)")]
    [InlineData("--before 2026-10-21", "--before 2026-10-21 is after today (2026-10-20 UTC): only complete days are archived")]
    [InlineData("--symbol BTC-USDT", "--symbol 'BTC-USDT' must be letters and digits, e.g. BTCUSDT")]
    [InlineData("--dataset", "missing --dataset <value>")]
    [InlineData("extra", "unexpected argument 'extra' (see archive --help)")]
    public async Task Archive_BadArguments_OneLineReasonAndNothingArchived(string args, string message)
    {
        await StoreAsync();

        var ex = await Assert.ThrowsAsync<CliException>(() => RunAsync(args.Split(' ')));

        Assert.Equal(message, ex.Message);
        Assert.False(Directory.Exists(_root));
    }

    [Fact]
    public async Task Archive_UnknownDataset_RefusedWithTheExistingOnes()
    {
        var ex = await Assert.ThrowsAsync<CliException>(() => RunAsync("--dataset", "nope"));

        Assert.StartsWith("dataset 'nope' does not exist; existing datasets: simulated-77 (simulated)", ex.Message);
    }

    [Fact]
    public async Task Archive_Retention_ArchivesDaysOlderThanTheDatasetsRetentionThenNothingOnTheSecondRun()
    {
        await StoreAsync();

        // Retention 5 days at 2026-10-20 12:00: days ending by 2026-10-15 12:00 (Oct 10–13 here) are archived.
        var (code, lines) = await RunAsync("--dataset", "real");
        var (_, again) = await RunAsync();

        Assert.Equal(0, code);
        Assert.Equal(5, lines.Length);
        Assert.StartsWith($"dataset=real symbol=ETHUSDT day=2026-10-10 rows=1440 bytes=", lines[0]);
        Assert.Contains($"deleted_rows=1440 file={Path.Combine(_root, "real", "ETHUSDT", "2026-10-10.parquet")}", lines[0]);
        Assert.Matches(@"^files=4 rows=5760 bytes=\d+ deleted_rows=5760 seconds=\d+\.\d$", lines[4]);
        Assert.Matches(@"^files=0 rows=0 bytes=0 deleted_rows=0 seconds=\d+\.\d$", Assert.Single(again));
    }

    [Fact]
    public async Task Archive_Before_ArchivesOnlyDaysBeforeThatDateOfTheSymbol()
    {
        await StoreAsync();

        var (_, lines) = await RunAsync("--before", "2026-10-12", "--symbol", "ethusdt");

        Assert.Equal(["2026-10-10", "2026-10-11"], lines[..^1].Select(l => l.Split(' ')[2][4..]));
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        var dataset = (await new DatasetCatalog(dataSource).FindAsync("real"))!;
        Assert.Equal(2, (await new ArchiveManifest(dataSource).ListAsync(dataset.Id, null, 0, long.MaxValue / 2)).Count);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
