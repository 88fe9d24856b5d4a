namespace ArbitrageEngine.Engine.Market.Simulated;

/// <summary>How one simulated perpetual behaves. Prices start near real levels with the exchange's tick and lot sizes.</summary>
public sealed record SimulatedSymbolProfile(
    string Symbol,
    double StartPrice,
    double TickSize,
    double LotSize,
    double TradesPerSecond,
    double MedianQty,
    double Volatility5m,
    double OpenInterestUsd,
    double WhaleQty)
{
    public static IReadOnlyList<SimulatedSymbolProfile> Defaults { get; } =
    [
        new("BTCUSDT", 96_000, 0.1, 0.001, 18, 0.02, 0.0020, 8.0e9, 14),
        new("ETHUSDT", 3_400, 0.01, 0.001, 14, 0.4, 0.0022, 4.5e9, 140),
        new("XRPUSDT", 2.2, 0.0001, 0.1, 7, 600, 0.0028, 1.2e9, 80_000),
        new("SOLUSDT", 190, 0.01, 0.01, 9, 6, 0.0032, 1.6e9, 1_400),
    ];

    /// <summary>The default profile of <paramref name="symbol"/>, or a generic one for symbols without a profile.</summary>
    public static SimulatedSymbolProfile For(string symbol) =>
        Defaults.FirstOrDefault(p => p.Symbol == symbol) ?? new(symbol, 100, 0.01, 0.01, 8, 5, 0.0028, 5e8, 2_000);
}

/// <summary>Settings of the built-in simulated market (the default source).</summary>
public sealed record SimulatedMarketOptions
{
    /// <summary>Same seed + same start time = the same market, event for event.</summary>
    public ulong Seed { get; init; } = 20261126;

    /// <summary>Multiplies every symbol's base trade rate (e.g. for load tests).</summary>
    public double RateMultiplier { get; init; } = 1.0;

    /// <summary>Hours of simulated history generated instantly at start so the engine is warm at once (0 = none).</summary>
    public double BackfillHours { get; init; } = 24;

    /// <summary>Real-time step between two generation passes.</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromMilliseconds(100);

    public IReadOnlyList<SimulatedSymbolProfile>? Profiles { get; init; }

    public SimulatedSymbolProfile ProfileFor(string symbol) =>
        Profiles?.FirstOrDefault(p => p.Symbol == symbol) ?? SimulatedSymbolProfile.For(symbol);
}
