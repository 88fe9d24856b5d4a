using System.Globalization;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Cli;
using Microsoft.Extensions.Configuration;

namespace ArbitrageEngine.Tests.Cli;

[Collection(PostgresCollection.Name)]
public sealed class DatasetsVerbTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly string RealEthCsv = ArbitrageEngine.Tests.Engine.TestData.SharedPath("real-data/ETHUSDT-aggTrades-2023-02-02-sample.csv");
    private string _connectionString = null!;

    public async Task InitializeAsync() => _connectionString = await postgres.CreateMigratedDatabaseAsync("cliverbs");

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<CliDatabase> Open(CancellationToken _) => Task.FromResult(new CliDatabase
    {
        ConnectionString = _connectionString,
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Market:Source"] = "Simulated",
            ["Market:Simulated:Seed"] = "77",
        }).Build(),
    });

    private async Task<string[]> Datasets(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        Assert.Equal(0, await new DatasetsVerb(Open, output).RunAsync(CliArguments.Parse(args)));
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private async Task<string> Import(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var errors = new StringWriter(CultureInfo.InvariantCulture);
        Assert.Equal(0, await new ImportVerb(Open, output, errors).RunAsync(CliArguments.Parse(args)));
        return output.ToString().Trim();
    }

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Datasets_FreshDatabase_ClaimsPendingForConfiguredSourceAndPrintsEmptyLine()
    {
        var lines = await Datasets();

        Assert.Equal(["dataset=simulated-77 kind=simulated symbol=- first=- last=- trades=0"], lines);
    }

    [Fact]
    public async Task ImportWithDataset_RealEthCsv_PrintsSummaryAndDatasetsListsIt()
    {
        var times = File.ReadLines(RealEthCsv).Skip(1).Select(l => long.Parse(l.Split(',')[5], CultureInfo.InvariantCulture)).ToList();

        var summary = await Import("--symbol", "ETHUSDT", "--dataset", "real-eth", RealEthCsv);
        var again = await Import("--symbol", "ETHUSDT", "--dataset", "real-eth", RealEthCsv);
        var defaultDataset = await Import("--symbol", "ETHUSDT", RealEthCsv);
        var lines = await Datasets();

        Assert.Matches(@"^rows=1000 skipped_zero_qty=0 duplicates=0 seconds=\d+\.\d\d$", summary);
        Assert.Matches(@"^rows=1000 skipped_zero_qty=0 duplicates=1000 seconds=\d+\.\d\d$", again);
        Assert.Matches(@"^rows=1000 skipped_zero_qty=0 duplicates=0 seconds=\d+\.\d\d$", defaultDataset);
        Assert.Equal(
        [
            "dataset=simulated-77 kind=simulated symbol=- first=- last=- trades=0",
            $"dataset=real-eth kind=import symbol=ETHUSDT first={Iso(times.Min())} last={Iso(times.Max())} trades=1000",
            $"dataset=binance kind=binance symbol=ETHUSDT first={Iso(times.Min())} last={Iso(times.Max())} trades=1000",
        ], lines);
        Assert.Equal([lines[1]], await Datasets("--dataset", "real-eth"));
    }

    [Fact]
    public async Task ImportIntoSimulatedDataset_Refused_NothingImported()
    {
        await Datasets();

        var ex = await Assert.ThrowsAsync<CliException>(() => new ImportVerb(Open, TextWriter.Null, TextWriter.Null)
            .RunAsync(CliArguments.Parse(["--symbol", "ETHUSDT", "--dataset", "simulated-77", RealEthCsv])));

        Assert.Contains("dataset 'simulated-77' is simulated", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["dataset=simulated-77 kind=simulated symbol=- first=- last=- trades=0"], await Datasets());
    }

    [Fact]
    public async Task DatasetsWithUnknownName_Refused_ListsExistingDatasets()
    {
        await Import("--symbol", "ETHUSDT", "--dataset", "real-eth", RealEthCsv);

        var ex = await Assert.ThrowsAsync<CliException>(() => new DatasetsVerb(Open, TextWriter.Null).RunAsync(CliArguments.Parse(["--dataset", "nope"])));

        Assert.Equal("dataset 'nope' does not exist; existing datasets: simulated-77 (simulated), real-eth (import)", ex.Message);
    }

    [Fact]
    public async Task ImportWithDataset_MalformedFile_RefusedAndNoDatasetCreated()
    {
        var bad = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(bad, "1,1.0,1.0,1,1,1791331200000,true\n2,oops,1.0,1,1,1791331200001,true\n");
        try
        {
            var ex = await Assert.ThrowsAsync<CliException>(() => new ImportVerb(Open, TextWriter.Null, TextWriter.Null)
                .RunAsync(CliArguments.Parse(["--symbol", "ETHUSDT", "--dataset", "broken", bad])));

            Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
            Assert.Equal(["dataset=simulated-77 kind=simulated symbol=- first=- last=- trades=0"], await Datasets());
        }
        finally
        {
            File.Delete(bad);
        }
    }
}
