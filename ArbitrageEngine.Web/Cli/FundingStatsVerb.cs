using System.Globalization;
using ArbitrageEngine.Engine.Funding;
using Npgsql;

namespace ArbitrageEngine.Web.Cli;

/// <summary><c>funding-stats --symbol SYM [--fee 0.0006]</c>: per-year funding statistics from the stored history (spec/cli.md).</summary>
public sealed class FundingStatsVerb : ICliVerb
{
    public string Name => "funding-stats";

    public string Help =>
        "funding-stats --symbol <SYMBOL> [--fee 0.0006]\n" +
        "  Funding statistics from the stored settlement history: one line per UTC calendar year, then 'year=all':\n" +
        "  year=2024 settlements=1098 mean_rate=0.00010000 annualised_pct=10.95 negative_pct=8.38 net_pct=10.89\n" +
        "  annualised_pct = mean_rate × 3 × 365 × 100; net_pct = annualised_pct − fee × 100 (a one-off entry fee, as a fraction).";

    public async Task<int> RunAsync(CliArguments args)
    {
        var symbol = CliSymbols.Parse(args.Required("symbol"));
        var fee = FundingStatistics.DefaultFee;
        if (args.Has("fee"))
        {
            var raw = args.Required("fee");
            if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out fee) || !double.IsFinite(fee) || fee is < 0 or >= 1)
            {
                throw new CliException($"--fee '{raw}' must be a fraction between 0 and 1, e.g. 0.0006");
            }
        }

        try
        {
            await using var database = await CliDatabase.OpenAsync(CancellationToken.None);
            await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
            await WriteAsync(dataSource, symbol, fee, Console.Out);
            return 0;
        }
        catch (NpgsqlException ex)
        {
            throw new CliException($"database error: {ex.Message}");
        }
    }

    /// <summary>Writes the statistics lines of <paramref name="symbol"/> from the stored history (the verb minus the database start-up).</summary>
    internal static async Task WriteAsync(NpgsqlDataSource dataSource, string symbol, double fee, TextWriter output)
    {
        var history = await new FundingRateStore(dataSource).ReadAsync(symbol);
        if (history.Count == 0)
        {
            throw new CliException($"no funding history stored for {symbol}; import it first (import-funding --symbol {symbol} FILES...)");
        }

        foreach (var line in FundingStatistics.PerYear(history, fee))
        {
            await output.WriteLineAsync(line.ToCliLine());
        }
    }
}
