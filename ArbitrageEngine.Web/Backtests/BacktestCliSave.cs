using System.Globalization;
using System.Text.Json;
using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Web.Cli;
using Npgsql;

namespace ArbitrageEngine.Web.Backtests;

/// <summary>
/// <c>backtest --save</c>: stores a CLI run like a run of the page (owner "cli": everyone sees it, only admins delete
/// it), so it appears on /backtest. The spec saved is the command line's (dataset, range, symbols, selection, paper).
/// </summary>
public static class BacktestCliSave
{
    public const string Owner = "cli";

    public static async Task<string> SaveAsync(CliDatabase database, BacktestSpec spec, BacktestRequest request, BacktestResult result, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        var store = new BacktestStore(dataSource);
        var json = JsonSerializer.SerializeToElement(new
        {
            source = "cli",
            dataset = request.Dataset.Name,
            from = Iso(request.FromMs),
            to = Iso(request.ToMs),
            symbols = request.Symbols,
            strategies = spec.Strategies,
            rows = spec.Rows.Count,
            grid = spec.Grid is not null,
            warmup_hours = spec.WarmupHours,
            fee = request.Paper.FeeRate,
            risk = request.Paper.RiskPerTrade,
            max_positions = request.Paper.MaxPositions,
            be_buffer = request.Paper.BeBufferAtr,
            replay_commands = spec.ReplayCommands,
        }, BacktestStore.Json);
        var id = await store.InsertRunningAsync(new NewBacktestRun(Owner, Owner, BacktestRunKinds.Backtest, json, request.Dataset.Name, request.FromMs, request.ToMs,
            request.Symbols, request.Strategies.Count), cancellationToken);
        await store.SaveResultAsync(id, result, result.Seconds, null, cancellationToken);
        return id.ToString("D");
    }

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
