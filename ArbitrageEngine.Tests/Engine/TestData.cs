using ArbitrageEngine.Engine.Conformance;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;

namespace ArbitrageEngine.Tests.Engine;

/// <summary>Small builders shared by the engine tests.</summary>
internal static class TestData
{
    public const long Minute = 60_000;

    public static EngineSettings Settings(params string[] symbols) =>
        new() { Symbols = symbols.Length == 0 ? ["BTCUSDT"] : symbols };

    public static AggTrade Buy(long aggId, long timeMs, double price, double qty) => new(aggId, timeMs, price, qty, false);

    public static AggTrade Sell(long aggId, long timeMs, double price, double qty) => new(aggId, timeMs, price, qty, true);

    /// <summary>Finds shared/golden/FILE walking up from the test binaries (the repo has shared/ beside it).</summary>
    public static string GoldenPath(string file) => SharedPath("golden/" + file);

    /// <summary>Finds shared/RELATIVE walking up from the test binaries (the repo has shared/ beside it).</summary>
    public static string SharedPath(string relative) =>
        SharedData.Find(relative) ?? throw new FileNotFoundException($"shared/{relative} not found above {AppContext.BaseDirectory}; the repository expects ../shared beside it.");
}
