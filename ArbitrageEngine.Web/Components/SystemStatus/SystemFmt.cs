using System.Globalization;

namespace ArbitrageEngine.Web.Components.SystemStatus;

/// <summary>Formats of the System page (invariant culture).</summary>
public static class SystemFmt
{
    private static readonly string[] Units = ["B", "KB", "MB", "GB", "TB"];

    /// <summary>1536 → "1.5 KB".</summary>
    public static string Bytes(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B") : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {Units[unit]}");
    }

    public static string Number(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Count(long? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "—";

    /// <summary>"3d 04:05:06" / "04:05:06".</summary>
    public static string Uptime(TimeSpan span) =>
        span.TotalDays >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays}d {span.Hours:00}:{span.Minutes:00}:{span.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{span.Hours:00}:{span.Minutes:00}:{span.Seconds:00}");

    /// <summary>"850 ms", "12 s", "5 min", "3 h".</summary>
    public static string Age(long? ms) => ms switch
    {
        null => "—",
        < 1000 => string.Create(CultureInfo.InvariantCulture, $"{ms} ms"),
        < 120_000 => string.Create(CultureInfo.InvariantCulture, $"{ms / 1000} s"),
        < 7_200_000 => string.Create(CultureInfo.InvariantCulture, $"{ms / 60_000} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ms / 3_600_000} h"),
    };
}
