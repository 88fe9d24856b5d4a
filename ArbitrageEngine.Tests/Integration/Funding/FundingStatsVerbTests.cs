using ArbitrageEngine.Engine.Funding;
using ArbitrageEngine.Tests.Engine.Funding;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Cli;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Funding;

[Collection(PostgresCollection.Name)]
public sealed class FundingStatsVerbTests(PostgresFixture postgres)
{
    [Fact]
    public async Task WriteAsync_ImportedSolDumpsWithOtherFee_ExactCliLines()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync("fstats"));
        var dir = Path.GetDirectoryName(FundingCsvTests.RealDump("SOLUSDT-fundingRate-2024-01.csv"))!;
        await new FundingImporter(new FundingRateStore(dataSource)).ImportAsync("SOLUSDT", Directory.GetFiles(dir, "SOLUSDT-*.csv"), default);
        using var output = new StringWriter();

        await FundingStatsVerb.WriteAsync(dataSource, "SOLUSDT", 0.001, output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Independently computed from the CSVs (python); net = annualised − 0.10.
        Assert.Equal(8, lines.Length);
        Assert.Equal("year=2020 settlements=328 mean_rate=-0.00011433 annualised_pct=-12.52 negative_pct=25.30 net_pct=-12.62", lines[0]);
        Assert.Equal("year=2022 settlements=1170 mean_rate=-0.00032477 annualised_pct=-35.56 negative_pct=45.81 net_pct=-35.66", lines[2]);
        Assert.Equal("year=2024 settlements=1098 mean_rate=0.00012438 annualised_pct=13.62 negative_pct=10.29 net_pct=13.52", lines[4]);
        Assert.Equal("year=all settlements=6424 mean_rate=0.00000070 annualised_pct=0.08 negative_pct=28.60 net_pct=-0.02", lines[7]);
    }

    [Fact]
    public async Task WriteAsync_NoHistory_OneLineReason()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync("fstats"));

        var ex = await Assert.ThrowsAsync<CliException>(() => FundingStatsVerb.WriteAsync(dataSource, "BTCUSDT", 0.0006, TextWriter.Null));

        Assert.Contains("no funding history stored for BTCUSDT", ex.Message, StringComparison.Ordinal);
    }
}
