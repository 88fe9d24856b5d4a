using System.Globalization;
using System.Text.Json.Nodes;
using ArbitrageEngine.Tests.Engine.Backtest;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Tests.Integration.Backtest;
using ArbitrageEngine.Web.Backtests;
using ArbitrageEngine.Web.Cli;
using ArbitrageEngine.Web.Components.Backtest;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Backtests;

/// <summary><c>backtest --save</c>: the CLI's run lands in the run store and appears among the saved runs.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BacktestCliSaveTests(PostgresFixture postgres)
{
    [Fact]
    public async Task BacktestVerb_Save_StoresRunWithTradesAsCli()
    {
        var cs = await postgres.CreateMigratedDatabaseAsync("btclisave");
        await using var db = NpgsqlDataSource.Create(cs);
        await GoldenDataset.ImportAsync(db, "golden-6h");
        var dir = Path.Combine(Path.GetTempPath(), $"bt-save-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var rows = Path.Combine(dir, "rows.json");
            await File.WriteAllTextAsync(rows, new JsonArray([.. GoldenEvents.Strategies.Take(2).Select(s => (JsonNode)BacktestFormModel.Row(s, new Dictionary<string, double>()))]).ToJsonString());
            using var output = new StringWriter(CultureInfo.InvariantCulture);
            using var errors = new StringWriter(CultureInfo.InvariantCulture);
            var verb = new BacktestVerb(_ => Task.FromResult(new CliDatabase
            {
                ConnectionString = cs,
                Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Market:Source"] = "None" }).Build(),
            }), output, errors, BacktestCliSave.SaveAsync);

            var code = await verb.RunAsync(CliArguments.Parse(["--dataset", "golden-6h", "--from", "2026-09-21T14:13:20Z", "--to", "2026-09-21T20:13:20Z",
                "--warmup-hours", "0", "--params", rows, "--save"]));

            Assert.True(code == 0, errors.ToString());
            var store = new BacktestStore(db);
            var run = Assert.Single(await store.ListAsync());
            Assert.Contains($"saved run {run.RunId:D}", errors.ToString(), StringComparison.Ordinal);
            Assert.Equal((BacktestCliSave.Owner, BacktestRunStatuses.Succeeded, "golden-6h", 2), (run.OwnerName, run.Status, run.Dataset, run.StrategyCount));
            var trades = int.Parse(output.ToString().Split(' ').Single(p => p.StartsWith("trades=", StringComparison.Ordinal))[7..], CultureInfo.InvariantCulture);
            Assert.Equal(trades, run.TradeCount);
            Assert.Equal(trades, (await store.TradesAsync(run.RunId, null, 1, 10)).Total);
            Assert.Equal(2, (await store.StrategiesAsync(run.RunId)).Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
