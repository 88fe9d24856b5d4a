namespace ArbitrageEngine.Engine.Funding;

/// <summary>One settled funding rate: the settlement time (ms, rounded to the minute) and the rate as a fraction per interval.</summary>
public readonly record struct FundingSettlement(long TimeMs, double Rate, int IntervalHours = 8)
{
    private const long MinuteMs = 60_000;

    /// <summary>
    /// Settlement times arrive with a few ms of jitter (dumps and REST alike: 1600012800004); they are rounded to the
    /// nearest minute so the same settlement from two sources is stored once.
    /// </summary>
    public static long RoundToSettlement(long timeMs) => (timeMs + (MinuteMs / 2)) / MinuteMs * MinuteMs;
}
