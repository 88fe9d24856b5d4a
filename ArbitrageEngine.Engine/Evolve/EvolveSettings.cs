namespace ArbitrageEngine.Engine.Evolve;

/// <summary>The settings of one auto-evolve run (evolve.md §1); defaults are the spec's.</summary>
public sealed record EvolveSettings
{
    public int LookbackDays { get; init; } = 7;

    public int MinClosedTrades { get; init; } = 12;

    public int NewPerSymbol { get; init; } = 1;

    public int MaxAutoPerSymbol { get; init; } = 3;

    public TimeSpan MinAgeBeforeRetire { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Train days of the candidate backtest (fractional values only for tests on short datasets).</summary>
    public double TrainDays { get; init; } = 5;

    public double TestDays { get; init; } = 2;

    /// <summary>Market time replayed before the backtest range without trading.</summary>
    public double WarmupHours { get; init; } = 24;

    /// <summary>Candidates ranked by train fitness among which the best test fitness is chosen.</summary>
    public int TopByTrain { get; init; } = 10;
}
