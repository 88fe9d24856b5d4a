using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Evolve;

/// <summary>A TP profile of evolve.md §4: ratios and the stop-loss multiple derived from the parent's.</summary>
public sealed record EvolveTpProfile(string Name, double Tp1, double Tp2, Func<double, double> Sl);

/// <summary>One proposed strategy: its parameters (no id or name yet) and the profile it came from.</summary>
public sealed record Candidate(StrategyDefinition Strategy, string Profile)
{
    public ParameterKey Key => ParameterKey.Of(Strategy);
}

/// <summary>The parameters two strategies must share to count as duplicates (evolve.md §4).</summary>
public readonly record struct ParameterKey(CvdWindow Fast, CvdWindow Slow, int Entry, double Sl, double Tp1, double Tp2, int Timeout, Weights Weights)
{
    public static ParameterKey Of(StrategyDefinition s) => new(
        s.CvdFastWindow, s.CvdSlowWindow, s.EntryScore, Math.Round(s.SlAtrMultiplier, 6), Math.Round(s.Tp1Ratio, 6), Math.Round(s.Tp2Ratio, 6), s.TimeoutMinutes,
        new Weights(s.WeightDirection, s.WeightEnv, s.WeightAux, s.WeightMomentum));
}

/// <summary>The candidate grid of evolve.md §4 from a parent and the symbol's regime.</summary>
public static class CandidateGrid
{
    public static IReadOnlyList<(CvdWindow Fast, CvdWindow Slow)> WindowPairs { get; } =
    [
        (CvdWindow.M5, CvdWindow.M30), (CvdWindow.M5, CvdWindow.H1), (CvdWindow.M5, CvdWindow.H4),
        (CvdWindow.M15, CvdWindow.M30), (CvdWindow.M15, CvdWindow.H1), (CvdWindow.M15, CvdWindow.H4),
        (CvdWindow.M30, CvdWindow.H1), (CvdWindow.M30, CvdWindow.H4),
    ];

    // SL multiples are rounded to 4 decimals so "sl − 0.1" of 1.7 is 1.6, not 1.5999999999999999.
    private static double R4(double x) => Math.Round(x, 4);

    public static IReadOnlyList<EvolveTpProfile> Profiles(MarketRegime regime) => regime switch
    {
        MarketRegime.Crash =>
        [
            new("defensive", 0.7, 1.4, sl => R4(Math.Max(1.3, sl - 0.3))),
            new("balanced", 0.9, 1.8, sl => R4(Math.Max(1.4, sl - 0.2))),
        ],
        MarketRegime.Range =>
        [
            new("conservative", 0.75, 1.5, sl => R4(Math.Max(1.4, sl - 0.2))),
            new("balanced", 1.0, 2.0, sl => R4(Math.Max(1.5, sl - 0.1))),
            new("aggressive", 1.3, 2.4, sl => R4(Math.Max(1.6, sl))),
        ],
        _ =>
        [
            new("aggressive", 1.25, 2.7, sl => R4(Math.Max(1.5, sl))),
            new("balanced", 1.0, 2.1, sl => R4(Math.Max(1.6, sl))),
            new("conservative", 0.8, 1.6, sl => R4(Math.Max(1.5, sl - 0.1))),
        ],
    };

    public static IReadOnlyList<int> EntrySteps(MarketRegime regime) => regime switch
    {
        MarketRegime.Crash => [3, 5],
        MarketRegime.Range => [-2, 0, 2],
        _ => [0, 2, 4],
    };

    public static IReadOnlyList<int> Timeouts(MarketRegime regime, int parentTimeout) => regime switch
    {
        MarketRegime.Crash => [Math.Max(90, parentTimeout - 120), Math.Max(120, parentTimeout - 60)],
        MarketRegime.Range => [parentTimeout, Math.Min(360, parentTimeout + 60)],
        _ => [Math.Max(120, parentTimeout - 60), parentTimeout],
    };

    public static Weights Nudge(MarketRegime regime) => regime switch
    {
        MarketRegime.Crash => new(2, 4, -4, -2),
        MarketRegime.Range => new(-1, 3, 1, -3),
        _ => new(4, 1, -3, -2),
    };

    /// <summary>Every candidate in grid order (window pair, profile, entry step, timeout), duplicates included.</summary>
    public static IReadOnlyList<Candidate> Generate(StrategyDefinition parent, MarketRegime regime)
    {
        var weights = new Weights(parent.WeightDirection, parent.WeightEnv, parent.WeightAux, parent.WeightMomentum).Plus(Nudge(regime)).Normalised();
        var result = new List<Candidate>();
        foreach (var (fast, slow) in WindowPairs)
        {
            foreach (var profile in Profiles(regime))
            {
                foreach (var step in EntrySteps(regime))
                {
                    var entry = Math.Clamp(parent.EntryScore + step, 60, 95);
                    foreach (var timeout in Timeouts(regime, parent.TimeoutMinutes))
                    {
                        result.Add(new Candidate(parent with
                        {
                            StrategyId = Guid.Empty,
                            DisplayName = "",
                            Description = "",
                            Status = StrategyStatus.Running,
                            CvdFastWindow = fast,
                            CvdSlowWindow = slow,
                            WeightDirection = weights.Direction,
                            WeightEnv = weights.Env,
                            WeightAux = weights.Aux,
                            WeightMomentum = weights.Momentum,
                            EntryScore = entry,
                            FlipThreshold = Math.Max(parent.FlipThreshold, entry),
                            SlAtrMultiplier = profile.Sl(parent.SlAtrMultiplier),
                            Tp1Ratio = profile.Tp1,
                            Tp2Ratio = profile.Tp2,
                            TimeoutMinutes = timeout,
                            CurrentBalance = parent.InitialBalance,
                            Tags = [],
                        }, profile.Name));
                    }
                }
            }
        }

        return result;
    }

    /// <summary>A candidate dropped before the backtest, and why.</summary>
    public sealed record Dropped(Candidate Candidate, string Reason);

    /// <summary>
    /// Drops candidates equal to a running strategy or to an earlier candidate, and those the validator refuses
    /// (evolve.md §4). The validator sees a placeholder name: names are given only to the chosen one.
    /// </summary>
    public static (IReadOnlyList<Candidate> Kept, IReadOnlyList<Dropped> Dropped) Filter(
        IReadOnlyList<Candidate> candidates, IEnumerable<StrategyDefinition> running, IReadOnlyCollection<string> symbols)
    {
        var existing = running.Select(ParameterKey.Of).ToHashSet();
        var seen = new HashSet<ParameterKey>();
        var kept = new List<Candidate>();
        var dropped = new List<Dropped>();
        foreach (var c in candidates)
        {
            var key = c.Key;
            if (existing.Contains(key))
            {
                dropped.Add(new(c, "duplicate of a running strategy"));
            }
            else if (!seen.Add(key))
            {
                dropped.Add(new(c, "duplicate of another candidate"));
            }
            else if (StrategyValidator.Validate(c.Strategy with { DisplayName = "candidate" }, symbols) is { Count: > 0 } errors)
            {
                dropped.Add(new(c, "invalid: " + string.Join("; ", errors.Select(e => e.Key + ": " + string.Join(" ", e.Value)))));
            }
            else
            {
                kept.Add(c);
            }
        }

        return (kept, dropped);
    }
}
