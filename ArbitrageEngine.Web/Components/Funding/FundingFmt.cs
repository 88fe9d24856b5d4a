using System.Globalization;

namespace ArbitrageEngine.Web.Components.Funding;

/// <summary>Number formats of the funding page: a rate per settlement in % with 4 decimals, yearly figures with 2.</summary>
public static class FundingFmt
{
    /// <summary>0.0001 → "0.0100%".</summary>
    public static string Rate(double? rate) => rate is { } r && double.IsFinite(r) ? (r * 100).ToString("0.0000", CultureInfo.InvariantCulture) + "%" : "—";

    /// <summary>Percent with 2 decimals (already a percentage).</summary>
    public static string Pct(double? pct) => pct is { } p && double.IsFinite(p) ? (Math.Round(p, 2) == 0 ? 0 : p).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "—";

    public static string SignClass(double? value) => value switch
    {
        > 0 => "dash-pos",
        < 0 => "dash-neg",
        _ => string.Empty,
    };
}
