namespace ArbitrageEngine.Engine.Strategies;

/// <summary>
/// The strategy factory grid the original team ran (issue: live hosting, seed data): per symbol its weights and
/// entry score × six CVD window pairs × three TP profiles = 72 strategies, all running. Ids are derived from the
/// name so a re-seed is idempotent.
/// </summary>
public static class StrategyFactoryGrid
{
    public sealed record SymbolProfile(string Symbol, string Coin, int Direction, int Env, int Aux, int Momentum, int EntryScore);

    public sealed record TpProfile(string Name, string ChineseName, double SlAtr, double Tp1, double Tp2);

    public static IReadOnlyList<SymbolProfile> Symbols { get; } =
    [
        new("BTCUSDT", "BTC", 38, 32, 28, 2, 71),
        new("ETHUSDT", "ETH", 51, 18, 28, 3, 75),
        new("XRPUSDT", "XRP", 58, 8, 32, 2, 80),
        new("SOLUSDT", "SOL", 38, 42, 8, 12, 65),
    ];

    public static IReadOnlyList<(CvdWindow Fast, CvdWindow Slow)> WindowPairs { get; } =
    [
        (CvdWindow.M5, CvdWindow.M30), (CvdWindow.M5, CvdWindow.H1), (CvdWindow.M15, CvdWindow.H1),
        (CvdWindow.M15, CvdWindow.H4), (CvdWindow.M30, CvdWindow.H1), (CvdWindow.M30, CvdWindow.H4),
    ];

    public static IReadOnlyList<TpProfile> TpProfiles { get; } =
    [
        new("conservative", "保守", 2.0, 0.75, 1.5),
        new("balanced", "平衡", 2.0, 1.0, 2.0),
        new("aggressive", "激进", 2.0, 1.5, 2.5),
    ];

    /// <summary>All 72 seed strategies in creation order.</summary>
    public static IReadOnlyList<StrategyDefinition> Create(IReadOnlyCollection<string>? onlySymbols = null)
    {
        var result = new List<StrategyDefinition>();
        foreach (var symbol in Symbols)
        {
            if (onlySymbols is not null && !onlySymbols.Contains(symbol.Symbol))
            {
                continue;
            }

            foreach (var (fast, slow) in WindowPairs)
            {
                foreach (var tp in TpProfiles)
                {
                    var name = $"{symbol.Coin}_CVD{fast.Name()}x{slow.Name()}_TP{tp.Name}";
                    result.Add(StrategyDefinition.CreateDefault(symbol.Symbol, name) with
                    {
                        StrategyId = DeterministicId(name),
                        Description = $"Factory grid: {symbol.Coin} CVD {fast.Name()}/{slow.Name()}, TP {tp.Name} ({symbol.Coin}_CVD{fast.Name()}x{slow.Name()}_TP{tp.ChineseName})",
                        CvdFastWindow = fast,
                        CvdSlowWindow = slow,
                        WeightDirection = symbol.Direction,
                        WeightEnv = symbol.Env,
                        WeightAux = symbol.Aux,
                        WeightMomentum = symbol.Momentum,
                        EntryScore = symbol.EntryScore,
                        FlipThreshold = 80,
                        GateSpotPerpEnabled = false,
                        SlAtrMultiplier = tp.SlAtr,
                        Tp1Ratio = tp.Tp1,
                        Tp2Ratio = tp.Tp2,
                        TimeoutMinutes = 240,
                        Tags = ["factory", symbol.Coin.ToLowerInvariant(), tp.Name],
                    });
                }
            }
        }

        return result;
    }

    /// <summary>A name-based (version 5 style) uuid so seeding twice yields the same ids.</summary>
    public static Guid DeterministicId(string name)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("arbitrage-engine/factory/" + name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
