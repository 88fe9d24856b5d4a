using System.ComponentModel.DataAnnotations;
using ArbitrageEngine.Engine.Market.History;

namespace ArbitrageEngine.Web.Hosting.Archive;

/// <summary>
/// <c>Market:Retention</c>: how many days of trades each dataset keeps in PostgreSQL (backtest.md §8). Older complete
/// UTC days are moved to the trade archive; only archived days are ever deleted.
/// </summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Market:Retention";

    /// <summary>Days kept in PostgreSQL by datasets of kind <c>simulated</c> (the default market writes ≈ 3 GB a day there).</summary>
    [Range(1, 36_500)]
    public int SimulatedDays { get; set; } = 3;

    /// <summary>Days kept by every other dataset (the live Binance connector, imports) without an entry in <see cref="Datasets"/>.</summary>
    [Range(1, 36_500)]
    public int DefaultDays { get; set; } = 7;

    /// <summary>Days per dataset name (<c>Market:Retention:Datasets:binance=14</c>), overriding the defaults above.</summary>
    public Dictionary<string, int> Datasets { get; set; } = new(StringComparer.Ordinal);

    public int DaysFor(DatasetInfo dataset) =>
        Datasets.TryGetValue(dataset.Name, out var days) ? days : dataset.Kind == DatasetKinds.Simulated ? SimulatedDays : DefaultDays;
}

/// <summary><c>Market:Archive</c>: the trade archive's folder and the background job that fills it.</summary>
public sealed class ArchiveOptions
{
    public const string SectionName = "Market:Archive";

    /// <summary>Run the archive job (off: trades stay in PostgreSQL for ever, replay still reads what is archived).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Folder of the archive files; empty = <c>archive</c> beside the local PostgreSQL data folder (<c>.data/archive</c>). Relative paths are under the repository root.</summary>
    public string Root { get; set; } = "";

    /// <summary>Minutes between two archive passes.</summary>
    [Range(1, 1440)]
    public int IntervalMinutes { get; set; } = 60;

    /// <summary>Seconds after start before the first pass (start-up, warm-up and backfill go first).</summary>
    [Range(0, 3600)]
    public int StartDelaySeconds { get; set; } = 120;
}
