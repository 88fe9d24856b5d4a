namespace ArbitrageEngine.Engine.Market;

/// <summary>Market features of engine.md §2.5; the engine keeps the newest value of each per symbol.</summary>
public enum FeatureKey
{
    LongShortRatio,
    TopTraderPosition,
    OpenInterestHist,
    CoinbasePremium,
    FundingRate,
    ObiDepth10,
    SpotPerpDivergence,
    TieredCvdWhale,
    LongLiqUsd,
    ShortLiqUsd,
}

/// <summary>Wire names of <see cref="FeatureKey"/> (database, golden files, API) and their valid ranges.</summary>
public static class FeatureKeys
{
    public const int Count = 10;

    private static readonly string[] Names =
    [
        "long_short_ratio", "top_trader_position", "open_interest_hist", "coinbase_premium", "funding_rate",
        "obi_depth_10", "spot_perp_divergence", "tiered_cvd_whale", "long_liq_usd", "short_liq_usd",
    ];

    public static IReadOnlyList<FeatureKey> All { get; } = Enum.GetValues<FeatureKey>();

    public static string Name(this FeatureKey key) => Names[(int)key];

    public static bool TryParse(string name, out FeatureKey key)
    {
        var index = Array.IndexOf(Names, name);
        key = (FeatureKey)Math.Max(index, 0);
        return index >= 0;
    }

    /// <summary>True when <paramref name="value"/> is a plausible reading for <paramref name="key"/>; anything else is rejected at the boundary.</summary>
    public static bool IsInRange(FeatureKey key, double value)
    {
        if (!double.IsFinite(value))
        {
            return false;
        }

        return key switch
        {
            FeatureKey.LongShortRatio => value >= 0 && value <= 1000,
            FeatureKey.TopTraderPosition => value >= 0 && value <= 1,
            FeatureKey.OpenInterestHist => value >= 0,
            FeatureKey.CoinbasePremium => Math.Abs(value) <= 1,
            FeatureKey.FundingRate => Math.Abs(value) <= 1,
            FeatureKey.ObiDepth10 => value >= -1 && value <= 1,
            FeatureKey.SpotPerpDivergence => Math.Abs(value) <= 1,
            FeatureKey.TieredCvdWhale => value >= -1 && value <= 1,
            FeatureKey.LongLiqUsd or FeatureKey.ShortLiqUsd => value >= 0,
            _ => false,
        };
    }
}
