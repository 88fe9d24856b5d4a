using System.Globalization;

namespace ArbitrageEngine.Web.Backtests;

/// <summary>The trade list of a run as CSV (invariant culture, times in UTC ms and ISO-8601), for the API and the page's export.</summary>
public static class BacktestCsv
{
    public const string Header = "seq,strategy_id,position_id,symbol,direction,status,tier,score,entry_price,entry_ts,entry_time_utc,sl,tp1,tp2,stop,atr,risk_usd,tp1_hit,tp1_ts,exit_price,exit_ts,exit_time_utc,gross_r,fee_r,pnl_r,pnl_usdt,balance_after";

    public static string Line(StoredBacktestTrade t) => string.Join(',',
        I(t.Seq), t.StrategyId.ToString("D"), I(t.PositionId), t.Symbol, t.Direction, t.Status, t.Tier, D(t.Score), D(t.Entry), I(t.EntryMs), Iso(t.EntryMs),
        D(t.Sl), D(t.Tp1), D(t.Tp2), D(t.Stop), D(t.Atr), D(t.RiskUsd), t.Tp1Hit ? "true" : "false", I(t.Tp1Ms), D(t.ExitPrice), I(t.ExitMs), Iso(t.ExitMs),
        D(t.GrossR), D(t.FeeR), D(t.PnlR), D(t.PnlUsdt), D(t.BalanceAfter));

    private static string I(long? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "";

    private static string D(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Iso(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) : "";
}
