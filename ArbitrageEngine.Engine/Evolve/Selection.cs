namespace ArbitrageEngine.Engine.Evolve;

/// <summary>A backtested candidate: its in-sample (train) and out-of-sample (test) figures.</summary>
public sealed record ProvenCandidate(int Index, PeriodFigures Train, PeriodFigures Test);

/// <summary>What a strategy did over one period: fitness and the figures behind it.</summary>
public sealed record PeriodFigures(double Fitness, int Trades, double NetR, double WinRate);

/// <summary>The choice among backtested candidates, with a reason for every candidate not chosen.</summary>
public sealed record SelectionResult(int? ChosenIndex, IReadOnlyDictionary<int, string> Refusals, string Summary);

/// <summary>evolve.md §5: rank by train fitness; among the top N the best test fitness, if &gt; 0 and &gt; the parent's.</summary>
public static class Selection
{
    public static SelectionResult Choose(IReadOnlyList<ProvenCandidate> candidates, double parentTestFitness, int top)
    {
        var refusals = new Dictionary<int, string>();
        var ranked = candidates.OrderByDescending(c => c.Train.Fitness).ThenBy(c => c.Index).ToList();
        foreach (var c in ranked.Skip(top))
        {
            refusals[c.Index] = $"not in the top {top} by IS fitness";
        }

        var best = ranked.Take(top).OrderByDescending(c => c.Test.Fitness).ThenBy(ranked.IndexOf).FirstOrDefault();
        if (best is null)
        {
            return new(null, refusals, "no candidate to test");
        }

        var passes = best.Test.Fitness > 0 && best.Test.Fitness > parentTestFitness;
        foreach (var c in ranked.Take(top))
        {
            if (c == best && passes)
            {
                continue;
            }

            refusals[c.Index] =
                c.Test.Fitness <= 0 ? "OOS fitness ≤ 0"
                : c.Test.Fitness <= parentTestFitness ? "OOS fitness ≤ parent's OOS fitness"
                : "lower OOS fitness than the chosen one";
        }

        return passes
            ? new(best.Index, refusals, "chosen: best OOS fitness among the top by IS fitness")
            : new(null, refusals, best.Test.Fitness <= 0
                ? "nothing created: the best OOS fitness in the top is not above 0"
                : "nothing created: no candidate in the top beats the parent's OOS fitness");
    }
}
