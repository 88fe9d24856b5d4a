using ArbitrageEngine.Web.Cli;
using static ArbitrageEngine.Tests.Engine.TestData;

namespace ArbitrageEngine.Tests.Cli;

[Collection("Console")]
public class FundingVerbTests
{
    private static async Task<(int? Code, string Stderr)> Run(params string[] args)
    {
        var previous = Console.Error;
        using var err = new StringWriter();
        Console.SetError(err);
        try
        {
            return (await CliHost.TryRunAsync(args), err.ToString());
        }
        finally
        {
            Console.SetError(previous);
        }
    }

    [Fact]
    public async Task ImportFunding_MalformedFile_FailsWithFileAndLineBeforeAnyDatabase()
    {
        var bad = Path.Combine(Path.GetTempPath(), $"bad-funding-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(bad, "calc_time,funding_interval_hours,last_funding_rate\n1600012800000,8,0.0001\nnot-a-time,8,0.0001\n");
        try
        {
            var (code, stderr) = await Run("import-funding", "--symbol", "SOLUSDT", SharedPath("real-data/funding/SOLUSDT-fundingRate-2020-09.csv"), bad);

            Assert.Equal(2, code);
            Assert.Contains($"malformed {bad}: line 3: calc_time", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Theory]
    [InlineData("import-funding --symbol XRP-USDT a.csv", "--symbol")]
    [InlineData("import-funding --symbol XRPUSDT", "no files")]
    [InlineData("import-funding --symbol XRPUSDT /nonexistent/x.csv", "no such file")]
    [InlineData("funding-stats", "missing --symbol")]
    [InlineData("funding-stats --symbol XRPUSDT --fee abc", "--fee")]
    [InlineData("funding-stats --symbol XRPUSDT --fee 2", "--fee")]
    public async Task FundingVerbs_BadArguments_ExitTwoWithReason(string commandLine, string expected)
    {
        var (code, stderr) = await Run(commandLine.Split(' '));

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }
}
