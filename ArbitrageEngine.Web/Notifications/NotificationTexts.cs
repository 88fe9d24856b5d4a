using System.Globalization;
using ArbitrageEngine.Web.Live;
using ArbitrageEngine.Web.Localization;

namespace ArbitrageEngine.Web.Notifications;

/// <summary>
/// Every text a notification carries, from the Ui resources in the subscriber's language (English fallback).
/// Numbers are formatted with the invariant culture.
/// </summary>
public static class NotificationTexts
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo(AppCultures.English);

    /// <summary>
    /// A Ui resource in the given language (null = the current UI culture). Background senders pass the subscriber's
    /// language; the resources fall back to English for a key the other language lacks.
    /// </summary>
    private static string T(CultureInfo? culture, string key, params object[] args)
    {
        if (culture is null)
        {
            return UiText.L[key, args];
        }

        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = culture;
            return UiText.L[key, args];
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    public static string KindLabel(NotificationKind kind, CultureInfo? culture = null) => T(culture, kind switch
    {
        NotificationKind.Signal => "Notify.Kind.Signal",
        NotificationKind.PositionOpened => "Notify.Kind.PositionOpened",
        NotificationKind.PositionClosed => "Notify.Kind.PositionClosed",
        NotificationKind.FundingSignal => "Notify.Kind.FundingSignal",
        NotificationKind.CollectorFault => "Notify.Kind.CollectorFault",
        NotificationKind.EvolveResult => "Notify.Kind.EvolveResult",
        _ => "Notify.Kind.Test",
    });

    public static string ChannelLabel(ChannelKind kind, CultureInfo? culture = null) => T(culture, kind switch
    {
        ChannelKind.Discord => "Notify.Channel.Discord",
        ChannelKind.Telegram => "Notify.Channel.Telegram",
        _ => "Notify.Channel.Webhook",
    });

    public static string SecretLabel(ChannelKind kind, CultureInfo? culture = null) => T(culture, kind switch
    {
        ChannelKind.Discord => "Notify.Secret.Discord",
        ChannelKind.Telegram => "Notify.Secret.Telegram",
        _ => "Notify.Secret.Webhook",
    });

    // Message factories: culture null = English (the fallback when the subscribers' language is unknown or mixed).
    public static Notification Signal(string strategy, EvaluationSummary r, long timeMs, CultureInfo? culture = null) => new(
        NotificationKind.Signal,
        T(culture ?? English, "Notify.Msg.SignalTitle", r.Signal ?? "", r.Symbol, strategy),
        T(culture ?? English, r.Tier is null ? "Notify.Msg.SignalBody" : "Notify.Msg.SignalBodyTier", strategy, r.Signal ?? "", r.Direction ?? "", r.Symbol, r.Score.ToString("0.0", Inv), r.Tier ?? ""),
        timeMs, r.StrategyId,
        new Dictionary<string, string> { ["symbol"] = r.Symbol, ["signal"] = r.Signal ?? "", ["direction"] = r.Direction ?? "", ["score"] = r.Score.ToString("0.0", Inv) });

    public static Notification PositionOpened(string strategy, PositionEvent p, CultureInfo? culture = null) => new(
        NotificationKind.PositionOpened,
        T(culture ?? English, "Notify.Msg.OpenedTitle", p.Direction, p.Symbol, strategy),
        T(culture ?? English, "Notify.Msg.OpenedBody", strategy, p.Direction, p.Symbol, p.Entry.ToString("G8", Inv)),
        p.TimeMs, p.StrategyId,
        new Dictionary<string, string> { ["symbol"] = p.Symbol, ["direction"] = p.Direction, ["entry"] = p.Entry.ToString("G8", Inv), ["position_id"] = p.PositionId.ToString(Inv) });

    public static Notification PositionClosed(string strategy, PositionEvent p, CultureInfo? culture = null) => new(
        NotificationKind.PositionClosed,
        T(culture ?? English, "Notify.Msg.ClosedTitle", p.Direction, p.Symbol, string.Create(Inv, $"{p.PnlR:+0.00;-0.00;0.00}"), strategy),
        T(culture ?? English, "Notify.Msg.ClosedBody", strategy, p.Direction, p.Symbol, p.Status, string.Create(Inv, $"{p.ExitPrice:G8}"),
            string.Create(Inv, $"{p.PnlR:+0.00;-0.00;0.00}"), string.Create(Inv, $"{p.PnlUsdt:+0.00;-0.00;0.00}")),
        p.TimeMs, p.StrategyId,
        new Dictionary<string, string> { ["symbol"] = p.Symbol, ["direction"] = p.Direction, ["status"] = p.Status, ["pnl_r"] = (p.PnlR ?? 0).ToString("0.00", Inv), ["position_id"] = p.PositionId.ToString(Inv) });

    public static Notification FundingSignal(Funding.FundingSignalEvent e, CultureInfo? culture = null) => new(
        NotificationKind.FundingSignal,
        T(culture ?? English, "Notify.Msg.FundingTitle", e.Symbol, e.AnnualisedPct7d.ToString("0.00", Inv)),
        T(culture ?? English, "Notify.Msg.FundingBody", e.Symbol, e.AnnualisedPct7d.ToString("0.00", Inv), e.Settlements.ToString(Inv), e.ThresholdPct.ToString("0.##", Inv)),
        e.CheckedMs, null,
        new Dictionary<string, string> { ["symbol"] = e.Symbol, ["annualised_pct_7d"] = e.AnnualisedPct7d.ToString("0.00", Inv) });

    public static Notification CollectorFault(CollectorFaultEvent e, CultureInfo? culture = null) => new(
        NotificationKind.CollectorFault,
        T(culture ?? English, e.Recovered ? "Notify.Msg.CollectorRecoveredTitle" : "Notify.Msg.CollectorFaultTitle", e.Stream),
        e.Recovered ? T(culture ?? English, "Notify.Msg.CollectorRecoveredBody", e.Stream, e.State) : T(culture ?? English, "Notify.Msg.CollectorFaultBody", e.Stream, e.State, e.Detail),
        e.TimeMs, null,
        new Dictionary<string, string> { ["stream"] = e.Stream, ["state"] = e.State, ["recovered"] = e.Recovered ? "true" : "false" });

    // The summary and details are written by the evolve job (English); only the prefix is localised.
    public static Notification EvolveResult(EvolveResultEvent e, CultureInfo? culture = null) =>
        new(NotificationKind.EvolveResult, T(culture ?? English, "Notify.Msg.EvolveTitle", e.Summary), e.Details, e.TimeMs);

    public static Notification Test(string channel, long timeMs, CultureInfo? culture = null) => new(
        NotificationKind.Test,
        T(culture ?? English, "Notify.Msg.TestTitle", channel),
        T(culture ?? English, "Notify.Msg.TestBody"),
        timeMs);

    /// <summary>A burst summarised into one message (coalescing): the count and the first titles.</summary>
    public static Notification Summary(IReadOnlyList<Notification> burst, long timeMs, CultureInfo? culture = null)
    {
        const int Listed = 10;
        var lines = burst.Take(Listed).Select(n => "• " + n.Title).ToList();
        if (burst.Count > Listed)
        {
            lines.Add(T(culture ?? English, "Notify.Msg.AndMore", (burst.Count - Listed).ToString(Inv)));
        }

        var kind = burst.Select(n => n.Kind).Distinct().Count() == 1 ? burst[0].Kind : NotificationKind.Signal;
        return new Notification(kind, T(culture ?? English, "Notify.Msg.SummaryTitle", burst.Count.ToString(Inv)), string.Join('\n', lines), timeMs);
    }
}
