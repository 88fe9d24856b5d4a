namespace ArbitrageEngine.Engine.Evolve;

/// <summary>A running auto-created strategy considered for retirement.</summary>
public sealed record RetirementCandidate(Guid StrategyId, string Name, DateTimeOffset CreatedAt, double Fitness, bool CreatedThisRun);

/// <summary>evolve.md §6: above the cap, retire the lowest-fitness ones old enough (oldest first on ties), never this run's.</summary>
public static class Retirement
{
    public static IReadOnlyList<RetirementCandidate> Choose(IReadOnlyList<RetirementCandidate> runningAuto, int maxPerSymbol, TimeSpan minAge, DateTimeOffset now)
    {
        var excess = runningAuto.Count - maxPerSymbol;
        if (excess <= 0)
        {
            return [];
        }

        return [.. runningAuto
            .Where(c => !c.CreatedThisRun && now - c.CreatedAt >= minAge)
            .OrderBy(c => c.Fitness)
            .ThenBy(c => c.CreatedAt)
            .ThenBy(c => c.StrategyId)
            .Take(excess)];
    }
}
