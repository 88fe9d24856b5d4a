using System.Globalization;

namespace ArbitrageEngine.Engine.Funding;

/// <summary>Statistics of a set of settlements: count, mean rate, annualised % (mean × 3 × 365 × 100), share below zero, net of a one-off fee.</summary>
public sealed record FundingPeriodStats(string Period, int Settlements, double MeanRate, double AnnualisedPct, double NegativePct, double NetPct)
{
    /// <summary>The <c>funding-stats</c> line (spec/cli.md), exactly: 8-decimal mean, 2-decimal percentages, invariant culture.</summary>
    public string ToCliLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"year={Period} settlements={Settlements} mean_rate={NoNegativeZero(MeanRate, 8):F8} annualised_pct={NoNegativeZero(AnnualisedPct, 2):F2} negative_pct={NoNegativeZero(NegativePct, 2):F2} net_pct={NoNegativeZero(NetPct, 2):F2}");

    // "-0.00" would read as a negative figure; a value that rounds to zero prints as zero.
    private static double NoNegativeZero(double value, int decimals) => Math.Round(value, decimals) == 0 ? 0 : value;
}

/// <summary>
/// Funding statistics (product.md "Funding", spec/cli.md <c>funding-stats</c>): pure functions over settlements sorted by
/// time. Annualised = mean rate × 3 × 365 (the 8-hourly cadence), as the specification fixes it.
/// </summary>
public static class FundingStatistics
{
    public const double SettlementsPerYear = 3 * 365;

    /// <summary>The default one-off entry fee of the arbitrage (0.06 %), as a fraction.</summary>
    public const double DefaultFee = 0.0006;

    public static double Annualise(double rate) => rate * SettlementsPerYear;

    /// <summary>One entry per UTC calendar year present, ascending, then one "all" entry (none when empty).</summary>
    public static IReadOnlyList<FundingPeriodStats> PerYear(IReadOnlyList<FundingSettlement> settlements, double fee = DefaultFee)
    {
        var result = new List<FundingPeriodStats>();
        if (settlements.Count == 0)
        {
            return result;
        }

        var start = 0;
        var year = YearOf(settlements[0].TimeMs);
        for (var i = 1; i <= settlements.Count; i++)
        {
            var y = i < settlements.Count ? YearOf(settlements[i].TimeMs) : -1;
            if (y != year)
            {
                result.Add(Of(year.ToString(CultureInfo.InvariantCulture), settlements, start, i, fee));
                start = i;
                year = y;
            }
        }

        result.Add(Of("all", settlements, 0, settlements.Count, fee));
        return result;
    }

    /// <summary>Statistics of the settlements in [<paramref name="fromMs"/>, <paramref name="toMs"/>] (e.g. the last 7 days).</summary>
    public static FundingPeriodStats Window(IReadOnlyList<FundingSettlement> settlements, long fromMs, long toMs, string period, double fee = DefaultFee)
    {
        var lo = LowerBound(settlements, fromMs);
        var hi = LowerBound(settlements, toMs + 1);
        return Of(period, settlements, lo, hi, fee);
    }

    /// <summary>
    /// A 50/50 combination of two symbols (e.g. BTC+ETH): the mean of both rates at every settlement time both have.
    /// </summary>
    public static IReadOnlyList<FundingSettlement> Combine(IReadOnlyList<FundingSettlement> a, IReadOnlyList<FundingSettlement> b)
    {
        var result = new List<FundingSettlement>(Math.Min(a.Count, b.Count));
        int i = 0, j = 0;
        while (i < a.Count && j < b.Count)
        {
            if (a[i].TimeMs == b[j].TimeMs)
            {
                result.Add(new FundingSettlement(a[i].TimeMs, (a[i].Rate + b[j].Rate) / 2, a[i].IntervalHours));
                i++;
                j++;
            }
            else if (a[i].TimeMs < b[j].TimeMs)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return result;
    }

    private static FundingPeriodStats Of(string period, IReadOnlyList<FundingSettlement> s, int from, int to, double fee)
    {
        var n = to - from;
        if (n <= 0)
        {
            return new FundingPeriodStats(period, 0, 0, 0, 0, 0);
        }

        double sum = 0;
        var negative = 0;
        for (var i = from; i < to; i++)
        {
            sum += s[i].Rate;
            if (s[i].Rate < 0)
            {
                negative++;
            }
        }

        var mean = sum / n;
        var annualisedPct = Annualise(mean) * 100;
        return new FundingPeriodStats(period, n, mean, annualisedPct, negative * 100.0 / n, annualisedPct - (fee * 100));
    }

    private static int YearOf(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.Year;

    private static int LowerBound(IReadOnlyList<FundingSettlement> s, long timeMs)
    {
        int lo = 0, hi = s.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (s[mid].TimeMs < timeMs)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
