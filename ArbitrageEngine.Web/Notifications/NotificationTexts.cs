using System.Globalization;
using ArbitrageEngine.Web.Live;

namespace ArbitrageEngine.Web.Notifications;

/// <summary>
/// Every text a notification carries, in one place so it can be localised (English for now; a zh-CN table goes here).
/// Numbers are formatted with the invariant culture.
/// </summary>
public static class NotificationTexts
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string KindLabel(NotificationKind kind) => kind switch
    {
        NotificationKind.Signal => "Strategy signals",
        NotificationKind.PositionOpened => "Position opened",
        NotificationKind.PositionClosed => "Position closed",
        NotificationKind.FundingSignal => "Funding arbitrage signal",
        NotificationKind.CollectorFault => "Collector faults",
        NotificationKind.EvolveResult => "Auto-evolve results",
        _ => "Test",
    };

    public static string ChannelLabel(ChannelKind kind) => kind switch
    {
        ChannelKind.Discord => "Discord webhook",
        ChannelKind.Telegram => "Telegram bot",
        _ => "JSON webhook",
    };

    public static string SecretLabel(ChannelKind kind) => kind switch
    {
        ChannelKind.Discord => "Discord webhook URL",
        ChannelKind.Telegram => "Telegram bot token",
        _ => "Webhook URL",
    };

    public static Notification Signal(string strategy, EvaluationSummary r, long timeMs) => new(
        NotificationKind.Signal,
        string.Create(Inv, $"Signal {r.Signal} {r.Symbol}: {strategy}"),
        string.Create(Inv, $"{strategy} signals {r.Signal} ({r.Direction}) on {r.Symbol}, score {r.Score:0.0}{(r.Tier is null ? "" : ", tier " + r.Tier)}."),
        timeMs, r.StrategyId,
        new Dictionary<string, string> { ["symbol"] = r.Symbol, ["signal"] = r.Signal ?? "", ["direction"] = r.Direction ?? "", ["score"] = r.Score.ToString("0.0", Inv) });

    public static Notification PositionOpened(string strategy, PositionEvent p) => new(
        NotificationKind.PositionOpened,
        string.Create(Inv, $"Opened {p.Direction} {p.Symbol}: {strategy}"),
        string.Create(Inv, $"{strategy} opened a {p.Direction} position on {p.Symbol} at {p.Entry:G8}."),
        p.TimeMs, p.StrategyId,
        new Dictionary<string, string> { ["symbol"] = p.Symbol, ["direction"] = p.Direction, ["entry"] = p.Entry.ToString("G8", Inv), ["position_id"] = p.PositionId.ToString(Inv) });

    public static Notification PositionClosed(string strategy, PositionEvent p) => new(
        NotificationKind.PositionClosed,
        string.Create(Inv, $"Closed {p.Direction} {p.Symbol} {p.PnlR:+0.00;-0.00;0.00}R: {strategy}"),
        string.Create(Inv, $"{strategy} closed its {p.Direction} position on {p.Symbol} ({p.Status}) at {p.ExitPrice:G8}: {p.PnlR:+0.00;-0.00;0.00}R, {p.PnlUsdt:+0.00;-0.00;0.00} USDT."),
        p.TimeMs, p.StrategyId,
        new Dictionary<string, string> { ["symbol"] = p.Symbol, ["direction"] = p.Direction, ["status"] = p.Status, ["pnl_r"] = (p.PnlR ?? 0).ToString("0.00", Inv), ["position_id"] = p.PositionId.ToString(Inv) });

    public static Notification FundingSignal(Funding.FundingSignalEvent e) => new(
        NotificationKind.FundingSignal,
        string.Create(Inv, $"Funding arbitrage signal {e.Symbol}: {e.AnnualisedPct7d:0.00}% a year"),
        string.Create(Inv, $"The 7-day mean funding rate of {e.Symbol} annualises to {e.AnnualisedPct7d:0.00}% ({e.Settlements} settlements), at or above the {e.ThresholdPct:0.##}% threshold: long spot + short perpetual collects it."),
        e.CheckedMs, null,
        new Dictionary<string, string> { ["symbol"] = e.Symbol, ["annualised_pct_7d"] = e.AnnualisedPct7d.ToString("0.00", Inv) });

    public static Notification CollectorFault(CollectorFaultEvent e) => new(
        NotificationKind.CollectorFault,
        e.Recovered ? $"Collector recovered: {e.Stream}" : $"Collector fault: {e.Stream}",
        e.Recovered ? $"The {e.Stream} stream delivers again ({e.State})." : $"The {e.Stream} stream is {e.State}: {e.Detail}",
        e.TimeMs, null,
        new Dictionary<string, string> { ["stream"] = e.Stream, ["state"] = e.State, ["recovered"] = e.Recovered ? "true" : "false" });

    public static Notification EvolveResult(EvolveResultEvent e) => new(NotificationKind.EvolveResult, "Auto-evolve: " + e.Summary, e.Details, e.TimeMs);

    public static Notification Test(string channel, long timeMs) => new(
        NotificationKind.Test,
        $"Test notification for {channel}",
        "This is a test sent from ArbitrageEngine's notification settings. If you can read it, the channel works.",
        timeMs);

    /// <summary>A burst summarised into one message (coalescing): the count and the first titles.</summary>
    public static Notification Summary(IReadOnlyList<Notification> burst, long timeMs)
    {
        const int Listed = 10;
        var lines = burst.Take(Listed).Select(n => "• " + n.Title).ToList();
        if (burst.Count > Listed)
        {
            lines.Add(string.Create(Inv, $"… and {burst.Count - Listed} more"));
        }

        var kind = burst.Select(n => n.Kind).Distinct().Count() == 1 ? burst[0].Kind : NotificationKind.Signal;
        return new Notification(kind, string.Create(Inv, $"{burst.Count} notifications"), string.Join('\n', lines), timeMs);
    }
}
