namespace ArbitrageEngine.Engine.Market.History;

/// <summary>Where a dataset's data came from (backtest.md §5).</summary>
public static class DatasetKinds
{
    public const string Simulated = "simulated";
    public const string Binance = "binance";
    public const string Import = "import";

    /// <summary>Dataset 1 right after the datasets migration: existing rows, not yet claimed by a configured source.</summary>
    public const string Pending = "pending";
}

/// <summary>
/// A named set of stored market data: every stored trade and feature belongs to exactly one. The simulated market's
/// seed is part of its identity (<c>simulated-20261126</c>); the live Binance connector writes <c>binance</c>; an import
/// names its own.
/// </summary>
public sealed record DatasetInfo(int Id, string Name, string Kind, long? Seed, DateTimeOffset CreatedAt)
{
    /// <summary>The dataset name the simulated market with <paramref name="seed"/> writes to.</summary>
    public static string SimulatedName(long seed) => FormattableString.Invariant($"simulated-{seed}");

    /// <summary>The dataset name for the configured (unsigned) simulator seed.</summary>
    public static string SimulatedName(ulong seed) => FormattableString.Invariant($"simulated-{seed}");
}

/// <summary>Stored trades of one symbol of a dataset.</summary>
public sealed record DatasetSymbolRange(string Symbol, long FirstTimeMs, long LastTimeMs, long Trades);

/// <summary>The catalogue of datasets.</summary>
public interface IDatasetCatalog
{
    Task<IReadOnlyList<DatasetInfo>> ListAsync(CancellationToken cancellationToken = default);

    Task<DatasetInfo?> FindAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Returns the dataset called <paramref name="name"/>, creating it when missing.</summary>
    Task<DatasetInfo> EnsureAsync(string name, string kind, long? seed, CancellationToken cancellationToken = default);

    /// <summary>Per symbol: first/last trade time and count.</summary>
    Task<IReadOnlyList<DatasetSymbolRange>> RangesAsync(int datasetId, CancellationToken cancellationToken = default);
}

/// <summary>A dataset name that does not exist where one must: the message lists the existing ones.</summary>
public sealed class DatasetNotFoundException(string name, IReadOnlyList<DatasetInfo> existing)
    : Exception($"dataset '{name}' does not exist; existing datasets: {(existing.Count == 0 ? "none" : string.Join(", ", existing.Select(d => $"{d.Name} ({d.Kind})")))}")
{
    public string Name { get; } = name;

    public IReadOnlyList<DatasetInfo> Existing { get; } = existing;
}
