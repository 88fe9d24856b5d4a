using System.Globalization;
using ArbitrageEngine.Web.Components.Formatting;

namespace ArbitrageEngine.Web.Dashboard;

/// <summary>Direction of the last price change, for the brief green/red flash.</summary>
public enum PriceFlash
{
    None,
    Up,
    Down,
}

/// <summary>The first trade of the last 24 h: the reference of the 24 h change.</summary>
public readonly record struct DayOpen(double Price, long TimeMs);

/// <summary>
/// One dashboard ticker line (product.md §4): last price with its flash, 24 h change, funding rate with its
/// annualised value and the next funding time. Plain state so the rules are unit-testable; the page feeds it
/// prices, snapshots and the clock.
/// </summary>
public sealed class TickerRow(string symbol)
{
    /// <summary>Binance USDⓈ-M funds every 8 h at 00:00, 08:00 and 16:00 UTC.</summary>
    public const long FundingIntervalMs = 8 * 3_600_000L;

    /// <summary>Funding events per year at the 8 h cadence (3 a day).</summary>
    public const double FundingsPerYear = 3 * 365;

    /// <summary>How long a price change stays highlighted.</summary>
    public const long FlashMs = 700;

    private const long DayMs = 86_400_000;

    /// <summary>The 24 h change is marked partial when stored history starts this much after the window start.</summary>
    private const long PartialAfterMs = 3_600_000;

    private long _flashUntilMs = long.MinValue;

    public string Symbol { get; } = symbol;

    public double? Price { get; private set; }

    public long? PriceTimeMs { get; private set; }

    public PriceFlash LastChange { get; private set; }

    public DayOpen? Open { get; set; }

    public double? FundingRate { get; set; }

    /// <summary>Next funding time as reported by the source (null = use the 00/08/16 UTC schedule).</summary>
    public long? ReportedNextFundingMs { get; set; }

    /// <summary>Records a price. Returns the change direction (None for the first price or an unchanged one).</summary>
    public PriceFlash OnPrice(double price, long timeMs, long nowMs)
    {
        if (!(price > 0) || double.IsInfinity(price))
        {
            return PriceFlash.None;
        }

        var change = Price is not { } previous || previous == price ? PriceFlash.None
            : price > previous ? PriceFlash.Up : PriceFlash.Down;
        Price = price;
        PriceTimeMs = timeMs;
        if (change != PriceFlash.None)
        {
            LastChange = change;
            _flashUntilMs = nowMs + FlashMs;
        }

        return change;
    }

    /// <summary>The flash to show at <paramref name="nowMs"/>: the last change while it is fresh, else none.</summary>
    public PriceFlash FlashAt(long nowMs) => nowMs < _flashUntilMs ? LastChange : PriceFlash.None;

    /// <summary>(price − open) / open, null without both.</summary>
    public double? ChangeFraction => Price is { } p && Open is { Price: > 0 } o ? (p - o.Price) / o.Price : null;

    /// <summary>True when the stored history covers noticeably less than 24 h, so the change is "since" a later time.</summary>
    public bool IsChangePartial(long nowMs) => Open is { } o && o.TimeMs - (nowMs - DayMs) > PartialAfterMs;

    /// <summary>Funding rate × 3 × 365 (a fraction; 0.0001 → 0.1095).</summary>
    public double? AnnualisedFunding => FundingRate is { } r && !double.IsNaN(r) ? Annualise(r) : null;

    public static double Annualise(double rate) => rate * FundingsPerYear;

    /// <summary>The next 00/08/16 UTC boundary strictly after <paramref name="nowMs"/> (a boundary itself has just funded).</summary>
    public static long NextFundingAfter(long nowMs) => ((nowMs / FundingIntervalMs) + 1) * FundingIntervalMs;

    /// <summary>The reported next funding time while it is still ahead, else the schedule's.</summary>
    public long NextFundingMs(long nowMs) => ReportedNextFundingMs is { } t && t > nowMs ? t : NextFundingAfter(nowMs);

    public TimeSpan FundingCountdown(long nowMs) => TimeSpan.FromMilliseconds(NextFundingMs(nowMs) - nowMs);

    // Texts, in the spec's formats.
    public string PriceText => Fmt.Price(Price);

    public string ChangeText => ChangeFraction is { } c ? Signed(c, 2) : "—";

    public string FundingText => FundingRate is { } r && !double.IsNaN(r) ? Signed(r, 4) : "—";

    public string AnnualisedText => AnnualisedFunding is { } a ? Signed(a, 2) : "—";

    public string NextFundingText(long nowMs, bool utc = false) => Fmt.Time(NextFundingMs(nowMs), "HH:mm", utc);

    /// <summary>"07:59:58" until the next funding.</summary>
    public string CountdownText(long nowMs) => Countdown(FundingCountdown(nowMs));

    public static string Countdown(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours:00}:{span.Minutes:00}:{span.Seconds:00}");
    }

    /// <summary>Signed percent ("+1.25%", "-0.0100%", "0.00%") of a fraction.</summary>
    public static string Signed(double fraction, int decimals)
    {
        var text = Fmt.Percent(fraction, decimals);
        // Rounds to zero → no sign (and no "-0.00%").
        var zero = Fmt.Percent(0, decimals);
        if (text == zero || text == "-" + zero)
        {
            return zero;
        }

        return fraction > 0 ? "+" + text : text;
    }
}
