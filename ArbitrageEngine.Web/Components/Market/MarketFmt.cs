using System.Globalization;
using ArbitrageEngine.Web.Components.Formatting;

namespace ArbitrageEngine.Web.Components.Market;

/// <summary>Formats of the market pages on top of <see cref="Fmt"/>.</summary>
public static class MarketFmt
{
    private static CultureInfo Inv => Localization.AppCultures.NumberCulture;

    /// <summary>0.0123 → "+1.23%".</summary>
    public static string SignedPercent(double? fraction) =>
        fraction is { } f && !double.IsNaN(f) ? (f >= 0 ? "+" : "") + (f * 100).ToString("0.00", Inv) + "%" : "—";

    /// <summary>Base-asset quantities: up to 4 decimals, grouped.</summary>
    public static string Qty(double? qty) => qty is { } q && !double.IsNaN(q) ? q.ToString("#,##0.####", Inv) : "—";

    /// <summary>A signed compact quantity (CVD): "+1.2K" / "-340".</summary>
    public static string SignedCompact(double? value) => value is { } v && !double.IsNaN(v) ? (v > 0 ? "+" : "") + Fmt.Compact(v) : "—";

    /// <summary>A time in Beijing time (or UTC) for a datetime-local input: "yyyy-MM-ddTHH:mm".</summary>
    public static string InputTime(long ms, bool utc) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(utc ? TimeSpan.Zero : Fmt.BeijingOffset).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);

    /// <summary>Parses a datetime-local value in Beijing time (or UTC); null when it is not one.</summary>
    public static long? ParseInputTime(string? value, bool utc) =>
        DateTime.TryParseExact(value, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? new DateTimeOffset(t, utc ? TimeSpan.Zero : Fmt.BeijingOffset).ToUnixTimeMilliseconds()
            : null;

    /// <summary>A chart x value (Beijing time as written by ChartStyle.X, with or without fraction) back to Unix ms.</summary>
    public static long? ParseChartX(object? value) =>
        value?.ToString() is { } s && DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? new DateTimeOffset(t, Fmt.BeijingOffset).ToUnixTimeMilliseconds()
            : null;
}
