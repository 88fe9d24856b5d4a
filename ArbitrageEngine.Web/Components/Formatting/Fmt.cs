using System.Globalization;

namespace ArbitrageEngine.Web.Components.Formatting;

/// <summary>
/// The number and time formats of product.md §4 / ui-reference.md, in one place so every page agrees:
/// prices &lt; 100 with 4 decimals else grouped with 1–2; R signed with 2 decimals; USDT signed; CVD compact;
/// times in Beijing time (UTC+8) unless the user chose UTC.
/// </summary>
public static class Fmt
{
    // Numbers follow the UI culture (en and zh-CN both group with "," and use "." for decimals) while keeping the
    // product's patterns; anything else (tests, CLI) stays invariant.
    private static CultureInfo Inv => Localization.AppCultures.NumberCulture;
    public static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    public static string Price(double? price) => price switch
    {
        null or double.NaN => "—",
        { } p when Math.Abs(p) < 100 => p.ToString("0.0000", Inv),
        { } p when Math.Abs(p) < 10_000 => p.ToString("#,##0.00", Inv),
        { } p => p.ToString("#,##0.0", Inv),
    };

    /// <summary>"+1.23R" / "-0.50R" / "0.00R".</summary>
    public static string R(double? r) => r is { } v && !double.IsNaN(v) ? Signed(v, "0.00") + "R" : "—";

    /// <summary>"+123 U" / "-45.6 U" (one decimal below 100).</summary>
    public static string Usdt(double? usdt) => usdt is { } v && !double.IsNaN(v) ? Signed(v, Math.Abs(v) < 100 ? "0.0" : "#,##0") + " U" : "—";

    /// <summary>Balances: "10,250.50 USDT".</summary>
    public static string Balance(double value) => value.ToString("#,##0.00", Inv) + " USDT";

    /// <summary>Compact signed CVD/volume: 1.2K, -3.4M, 12.</summary>
    public static string Compact(double? value)
    {
        if (value is not { } v || double.IsNaN(v))
        {
            return "—";
        }

        var a = Math.Abs(v);
        var text = a >= 1e9 ? (a / 1e9).ToString("0.0", Inv) + "B"
            : a >= 1e6 ? (a / 1e6).ToString("0.0", Inv) + "M"
            : a >= 1e3 ? (a / 1e3).ToString("0.0", Inv) + "K"
            : a.ToString("0.##", Inv);
        return v < 0 ? "-" + text : text;
    }

    /// <summary>0.523 → "52.3%".</summary>
    public static string Percent(double? fraction, int decimals = 1) =>
        fraction is { } f && !double.IsNaN(f) ? (f * 100).ToString("F" + decimals.ToString(Inv), Inv) + "%" : "—";

    /// <summary>Local time in Beijing (default) or UTC, with the given pattern (e.g. "MM-dd HH:mm").</summary>
    public static string Time(long? unixMs, string pattern = "MM-dd HH:mm", bool utc = false)
    {
        if (unixMs is not { } ms)
        {
            return "—";
        }

        var t = DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(utc ? TimeSpan.Zero : BeijingOffset);
        return t.ToString(pattern, Inv);
    }

    public static string Time(DateTimeOffset? time, string pattern = "MM-dd HH:mm", bool utc = false) =>
        Time(time?.ToUnixTimeMilliseconds(), pattern, utc);

    /// <summary>"3d 4h", "2h 05m", "12m".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        var l = Localization.UiText.L;
        return span.TotalDays >= 1 ? l["Duration.DaysHours", (int)span.TotalDays, span.Hours]
            : span.TotalHours >= 1 ? l["Duration.HoursMinutes", (int)span.TotalHours, span.Minutes.ToString("00", CultureInfo.InvariantCulture)]
            : l["Duration.Minutes", (int)span.TotalMinutes];
    }

    /// <summary>CSS colour class for a signed amount: profit green, loss red, zero neutral.</summary>
    public static string SignClass(double? value) => value switch
    {
        > 0 => "pnl-pos",
        < 0 => "pnl-neg",
        _ => "pnl-zero",
    };

    /// <summary>Win-rate colour rule: green ≥ 50 %, amber ≥ 45 %, else red.</summary>
    public static MudBlazor.Color WinRateColor(double winRate) =>
        winRate >= 0.50 ? MudBlazor.Color.Success : winRate >= 0.45 ? MudBlazor.Color.Warning : MudBlazor.Color.Error;

    private static string Signed(double v, string format)
    {
        var rounded = v.ToString(format, Inv);
        return v > 0 && rounded.Trim('0', '.', ',') != "" ? "+" + rounded : rounded.StartsWith('-') && rounded.Trim('-', '0', '.', ',') == "" ? rounded[1..] : rounded;
    }
}
