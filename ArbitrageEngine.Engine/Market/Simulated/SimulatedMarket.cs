namespace ArbitrageEngine.Engine.Market.Simulated;

/// <summary>Where a stored history of a symbol ended, so a new simulation continues it instead of starting over.</summary>
public sealed record SimulatedResume(double Price, long LastAggId, long LastTimeMs);

/// <summary>
/// The deterministic generator behind the simulated source: for a seed and a start time it always yields the
/// same events. Time only moves when <see cref="AdvanceTo"/> is called (no wall clock inside).
/// </summary>
public sealed class SimulatedMarket
{
    private const long SliceMs = 100;
    private readonly SymbolSimulator[] _symbols;

    public SimulatedMarket(SimulatedMarketOptions options, IEnumerable<string> symbols, long startMs, IReadOnlyDictionary<string, SimulatedResume>? resume = null)
    {
        _symbols = symbols
            .Select(s => new SymbolSimulator(options.ProfileFor(s), options.Seed, options.RateMultiplier, startMs, resume?.GetValueOrDefault(s)))
            .ToArray();
        NowMs = startMs / SliceMs * SliceMs;
    }

    /// <summary>Start of the next slice to generate.</summary>
    public long NowMs { get; private set; }

    /// <summary>
    /// Appends every event of the slices that end at or before <paramref name="toMs"/>, per symbol in time order.
    /// A <paramref name="backfill"/> pass emits the 10 Hz book features once per second only: history needs their
    /// latest values, not every update.
    /// </summary>
    public void AdvanceTo(long toMs, List<MarketEvent> output, bool backfill = false)
    {
        while (NowMs + SliceMs <= toMs)
        {
            var bookFeatures = !backfill || NowMs % 1000 == 900;
            foreach (var symbol in _symbols)
            {
                symbol.Step(NowMs, output, bookFeatures);
            }

            NowMs += SliceMs;
        }
    }
}
