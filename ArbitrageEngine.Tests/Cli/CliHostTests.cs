using ArbitrageEngine.Web.Cli;

namespace ArbitrageEngine.Tests.Cli;

[Collection("Console")]
public sealed class CliHostTests
{
    private static async Task<(int? Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var o = new StringWriter();
        using var e = new StringWriter();
        Console.SetOut(o);
        Console.SetError(e);
        try
        {
            return (await CliHost.TryRunAsync(args), o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    [Theory]
    [InlineData("help")]
    [InlineData("--", "help")]
    [InlineData("--help")]
    public async Task TryRunAsync_Help_PrintsUsageAndExitsZero(params string[] args)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal(0, code);
        Assert.Contains("usage:", output);
        Assert.DoesNotContain("unknown verb", error);
    }

    [Fact]
    public async Task TryRunAsync_HelpForVerb_PrintsThatVerbsHelp()
    {
        var (code, output, _) = await RunAsync("help", "conformance");

        Assert.Equal(0, code);
        Assert.Contains("conformance", output);
        Assert.DoesNotContain("usage: ArbitrageEngine.Web [<verb>", output);
    }

    [Fact]
    public async Task TryRunAsync_UnknownVerb_StillRefused()
    {
        var (code, _, error) = await RunAsync("frobnicate");

        Assert.Equal(2, code);
        Assert.Contains("unknown verb", error);
    }
}
