using System.Globalization;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Evolve;

/// <summary>Names, description and tags of an auto-created strategy (evolve.md §6).</summary>
public static class EvolveNaming
{
    public const string AutoTag = "auto-evolve";
    public const string SourceTagPrefix = "source:";

    public static string Coin(string symbol) =>
        symbol.EndsWith("USDT", StringComparison.Ordinal) && symbol.Length > 4 ? symbol[..^4] : symbol;

    /// <summary><c>evo-{COIN}_CVD{fast}x{slow}_TP{profile}_{MMDD}</c> with the run's Beijing date.</summary>
    public static string BaseName(string symbol, CvdWindow fast, CvdWindow slow, string profile, DateOnly beijingDate) =>
        $"evo-{Coin(symbol)}_CVD{fast.Name()}x{slow.Name()}_TP{profile}_{beijingDate.ToString("MMdd", CultureInfo.InvariantCulture)}";

    /// <summary>The base name, or — when a strategy already has it — the base name with the id's first 4 characters.</summary>
    public static string UniqueName(string baseName, Guid id, IReadOnlySet<string> taken) =>
        taken.Contains(baseName) ? $"{baseName}_{id.ToString("N", CultureInfo.InvariantCulture)[..4]}" : baseName;

    /// <summary>The id prefix used in the source tag and descriptions (first 8 characters).</summary>
    public static string IdPrefix(Guid id) => id.ToString("N", CultureInfo.InvariantCulture)[..8];

    public static IReadOnlyList<string> Tags(Guid parentId) => [AutoTag, SourceTagPrefix + IdPrefix(parentId)];

    /// <summary>At most 200 characters (the validator's limit): parent, regime and the proof figures.</summary>
    public static string Description(StrategyDefinition parent, MarketRegime regime, double trainFitness, double testFitness, double parentTestFitness)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"Auto-evolve from {parent.DisplayName} ({IdPrefix(parent.StrategyId)}), regime {regime.Name()}: IS fitness {trainFitness:0.####}, OOS {testFitness:0.####} vs parent {parentTestFitness:0.####}");
        return text.Length <= 200 ? text : text[..200];
    }

    public static bool IsAutoCreated(StrategyDefinition s) => s.Tags.Contains(AutoTag, StringComparer.Ordinal);
}
