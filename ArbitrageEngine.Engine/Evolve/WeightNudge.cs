namespace ArbitrageEngine.Engine.Evolve;

/// <summary>The four scoring weights in engine.md §3 order: direction, env, aux, momentum.</summary>
public readonly record struct Weights(int Direction, int Env, int Aux, int Momentum)
{
    public static Weights Fallback { get; } = new(55, 25, 15, 5);

    public int Sum => Direction + Env + Aux + Momentum;

    /// <summary>
    /// evolve.md §4: negatives → 0, each scaled to round(w × 100 / sum) (half to even, like the reference's round),
    /// the rounding remainder added to the first; all zero → 55/25/15/5.
    /// </summary>
    public Weights Normalised()
    {
        var w = new[] { Math.Max(0, Direction), Math.Max(0, Env), Math.Max(0, Aux), Math.Max(0, Momentum) };
        var sum = w.Sum();
        if (sum == 0)
        {
            return Fallback;
        }

        var scaled = w.Select(x => (int)Math.Round(x * 100.0 / sum, MidpointRounding.ToEven)).ToArray();
        scaled[0] += 100 - scaled.Sum();
        return new(scaled[0], scaled[1], scaled[2], scaled[3]);
    }

    public Weights Plus(Weights delta) => new(Direction + delta.Direction, Env + delta.Env, Aux + delta.Aux, Momentum + delta.Momentum);

    public override string ToString() => FormattableString.Invariant($"{Direction}/{Env}/{Aux}/{Momentum}");
}
