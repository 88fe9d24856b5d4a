using ArbitrageEngine.Engine.Market.Replay;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Tests.Infrastructure;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Market;

[Collection(PostgresCollection.Name)]
public sealed class AggTradeImporterTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"import-{Guid.NewGuid():N}");
    private NpgsqlDataSource _dataSource = null!;
    private AggTradeImporter _importer = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _dataSource = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync("import"));
        _importer = new AggTradeImporter(new AggTradeStore(_dataSource, datasetId: 1), batchSize: 3);
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private string File(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    private async Task<List<long>> StoredIds()
    {
        var ids = new List<long>();
        await using var cmd = _dataSource.CreateCommand("SELECT agg_id FROM agg_trades WHERE symbol = 'BTCUSDT' ORDER BY agg_id");
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    [Fact]
    public async Task ImportAsync_HeaderAndHeaderlessFilesWithDisorderAndZeroQty_StoresExactlyTheValidRows()
    {
        var withHeader = File("BTCUSDT-aggTrades-2026-10-07.csv", """
            agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker
            103,60000.3,0.010,1,1,1791331200300,false
            101,60000.1,0.020,1,1,1791331200100,true
            102,60000.2,0.000,1,1,1791331200200,false
            104,60000.4,0.500,1,1,1791331200400,true
            """);
        var headerless = File("BTCUSDT-aggTrades-2026-10-08.csv", "106,60001.0,1.5,1,1,1791417600100,false\n105,60000.9,0.001,1,1,1791417600000,true\n");

        var summary = await _importer.ImportAsync("BTCUSDT", [withHeader, headerless], null, CancellationToken.None);

        Assert.Equal([101L, 103, 104, 105, 106], await StoredIds());
        Assert.Equal(6, summary.Rows);
        Assert.Equal(1, summary.SkippedZeroQty);
        Assert.Equal(5, summary.Inserted);
        Assert.Equal(0, summary.Duplicates);
    }

    [Fact]
    public async Task ImportAsync_SameFilesAgain_AddsNothingAndCountsDuplicates()
    {
        var file = File("a.csv", "1,1.0,1.0,1,1,1791331200000,true\n2,1.0,1.0,1,1,1791331200001,false\n");
        await _importer.ImportAsync("BTCUSDT", [file], null, CancellationToken.None);

        var again = await _importer.ImportAsync("BTCUSDT", [file], null, CancellationToken.None);

        Assert.Equal(0, again.Inserted);
        Assert.Equal(2, again.Duplicates);
        Assert.Equal(1, again.FilesSkipped);
        Assert.Equal([1L, 2], await StoredIds());
    }

    [Fact]
    public async Task ImportAsync_InterruptedImportResumed_CompletesWithoutDuplicates()
    {
        var file = File("b.csv", string.Join('\n', Enumerable.Range(1, 10).Select(i => $"{i},1.0,1.0,1,1,{1791331200000 + i},true")));
        var partial = File("b-part.csv", string.Join('\n', Enumerable.Range(1, 4).Select(i => $"{i},1.0,1.0,1,1,{1791331200000 + i},true")));
        await _importer.ImportAsync("BTCUSDT", [partial], null, CancellationToken.None);

        var resumed = await _importer.ImportAsync("BTCUSDT", [file], null, CancellationToken.None);

        Assert.Equal(6, resumed.Inserted);
        Assert.Equal(4, resumed.Duplicates);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), await StoredIds());
    }

    [Fact]
    public async Task ImportAsync_OneMalformedFile_ImportsNothingAndNamesTheLine()
    {
        var good = File("good.csv", "1,1.0,1.0,1,1,1791331200000,true\n");
        var bad = File("bad.csv", "2,1.0,1.0,1,1,1791331200001,true\n3,oops,1.0,1,1,1791331200002,true\n");

        var ex = await Assert.ThrowsAsync<CsvFormatException>(() => _importer.ImportAsync("BTCUSDT", [good, bad], null, CancellationToken.None));

        Assert.Equal(2, ex.Line);
        Assert.Empty(await StoredIds());
    }
}
