using ArbitrageEngine.Web.Cli;

namespace ArbitrageEngine.Tests.Cli;

public class EvolveVerbTests
{
    [Theory]
    [InlineData("--force")]
    [InlineData("now")]
    [InlineData("--apply", "yes")]
    [InlineData("--out-dir", "/nonexistent/evolve-reports")]
    [InlineData("--out-dir")]
    public async Task RunAsync_BadArguments_CliExceptionBeforeAnyDatabase(params string[] args)
    {
        var opened = false;
        var verb = new EvolveVerb(_ => { opened = true; throw new InvalidOperationException("must not open the database"); });
        await Assert.ThrowsAsync<CliException>(() => verb.RunAsync(CliArguments.Parse(args)));
        Assert.False(opened);
    }

    [Fact]
    public void Help_Verb_NamesFlagsAndOutput()
    {
        var help = new EvolveVerb().Help;
        Assert.Contains("--apply", help, StringComparison.Ordinal);
        Assert.Contains("--force", help, StringComparison.Ordinal);
        Assert.Contains("report_md=PATH", help, StringComparison.Ordinal);
    }
}
