namespace ArbitrageEngine.Engine.Strategies;

/// <summary>Optional scoring options of a strategy (engine.md §4.5), stored as the strategy's <c>options</c> json.</summary>
public sealed record ScoringOptions
{
    public AccelIndependentOption AccelIndependent { get; init; } = new();

    public ObiScoringOption ObiScoring { get; init; } = new();

    public static ScoringOptions None { get; } = new();
}

/// <summary>Lets a strong aligned large trade plus acceleration lift the direction layer to a minimum.</summary>
public sealed record AccelIndependentOption(bool Enabled = false, double MinDirectionScore = 35);

/// <summary>Replaces the environment layer by a blend of the OI environment and aligned order-book imbalance.</summary>
public sealed record ObiScoringOption(
    bool Enabled = false,
    double StrongThreshold = 0.30,
    double WeakThreshold = 0.15,
    double StrongScore = 5,
    double WeakScore = 3);
