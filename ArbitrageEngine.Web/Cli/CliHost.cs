namespace ArbitrageEngine.Web.Cli;

/// <summary>
/// The web executable doubles as the command-line tool (spec/cli.md). With no verb the web app runs.
/// </summary>
public static class CliHost
{
    /// <summary>Runs a CLI verb when <paramref name="args"/> starts with one; returns null when the web app should start.</summary>
    public static Task<int?> TryRunAsync(string[] args) => Task.FromResult<int?>(null);
}
