using System.Text.Json;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Backtest;

/// <summary>
/// The <c>--out</c> trades file of <c>backtest</c> (cli.md): JSON Lines, one paper trade opened in the range per line,
/// sorted by <c>entry_ts</c> then <c>strategy_id</c> (ordinal, lower-case uuid text), with exactly the keys
/// <c>strategy_id, symbol, direction, entry_ts, entry_price, exit_ts, exit_price, status, tp1_hit, pnl_r, pnl_usdt</c>.
/// Times are Unix epoch milliseconds (integers), as everywhere in the engine and the golden files (engine.md §1);
/// <c>direction</c> is <c>LONG</c>/<c>SHORT</c>; <c>status</c> is the engine's (<c>tp, sl, sl_be, timeout,
/// signal_flip</c>; still open at <c>to</c>: <c>active</c> or <c>tp1_hit</c>); exit and P&amp;L fields are null while open.
/// Numbers are written in their shortest round-trip form.
/// </summary>
public static class BacktestTradesJson
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public static IEnumerable<PositionSnapshot> Ordered(IEnumerable<BacktestTrade> trades) =>
        trades.Select(t => t.Position).OrderBy(p => p.EntryTimeMs).ThenBy(p => p.StrategyId.ToString(), StringComparer.Ordinal);

    public static async Task<int> WriteAsync(IEnumerable<BacktestTrade> trades, Stream output, CancellationToken cancellationToken = default)
    {
        var lines = 0;
        await using var w = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        foreach (var p in Ordered(trades))
        {
            Write(w, p);
            await w.FlushAsync(cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);
            w.Reset();
            lines++;
        }

        return lines;
    }

    public static void Write(Utf8JsonWriter w, PositionSnapshot p)
    {
        var open = p.IsOpen;
        w.WriteStartObject();
        w.WriteString("strategy_id", p.StrategyId);
        w.WriteString("symbol", p.Symbol);
        w.WriteString("direction", p.Direction.Name());
        w.WriteNumber("entry_ts", p.EntryTimeMs);
        w.WriteNumber("entry_price", p.Entry);
        NumberOrNull(w, "exit_ts", open ? null : p.ExitTimeMs);
        NumberOrNull(w, "exit_price", open ? null : p.ExitPrice);
        w.WriteString("status", p.Status.Name());
        w.WriteBoolean("tp1_hit", p.Tp1Hit);
        NumberOrNull(w, "pnl_r", open ? null : p.PnlR);
        NumberOrNull(w, "pnl_usdt", open ? null : p.PnlUsdt);
        w.WriteEndObject();
    }

    private static void NumberOrNull(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void NumberOrNull(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
