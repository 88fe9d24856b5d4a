using ArbitrageEngine.Web.Cli;
using Microsoft.Extensions.DependencyInjection;

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
    public async Task BuildServices_NoDatabaseYet_EveryRunDependencyResolves()
    {
        // The verb's own container (not the app's): a service the runner needs but the verb forgot fails only here.
        await using var database = new CliDatabase { ConnectionString = "Host=127.0.0.1;Port=1;Database=none" };
        await using var services = EvolveVerb.BuildServices(database);
        await using var scope = services.CreateAsyncScope();

        Assert.NotNull(services.GetRequiredService<ArbitrageEngine.Web.Evolve.EvolveRunner>());
        Assert.NotNull(services.GetRequiredService<ArbitrageEngine.Web.Evolve.EvolveBacktests>());
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<ArbitrageEngine.Web.Evolve.EvolvePlanner>());
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<ArbitrageEngine.Web.Evolve.EvolveApplier>());
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
