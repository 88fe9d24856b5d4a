using ArbitrageEngine.Web.Strategies;

namespace ArbitrageEngine.Web.Components.Plaza;

public enum PnlFilter
{
    All,
    Profit,
    Loss,
}

public enum StatusFilter
{
    All,
    Running,
    Paused,
    Error,
}

public enum PositionsFilter
{
    All,
    With,
    Without,
}

public enum PlazaSort
{
    NetUsdtDesc,
    NetUsdtAsc,
    Pnl24hDesc,
    Pnl24hAsc,
    MostRecent,
}

/// <summary>
/// The plaza's filters and sort (product.md §4), kept out of the page so they can be tested without rendering.
/// A null symbol means all symbols.
/// </summary>
public sealed record PlazaQuery(
    string? Symbol = null,
    PnlFilter Pnl = PnlFilter.All,
    StatusFilter Status = StatusFilter.All,
    PositionsFilter Positions = PositionsFilter.All,
    PlazaSort Sort = PlazaSort.NetUsdtDesc)
{
    /// <summary>Sort choices with their resource keys (Ui.resx).</summary>
    public static IReadOnlyList<(PlazaSort Value, string Label)> SortOptions { get; } =
    [
        (PlazaSort.NetUsdtDesc, "Sort.NetUsdtDesc"),
        (PlazaSort.NetUsdtAsc, "Sort.NetUsdtAsc"),
        (PlazaSort.Pnl24hDesc, "Sort.Pnl24hDesc"),
        (PlazaSort.Pnl24hAsc, "Sort.Pnl24hAsc"),
        (PlazaSort.MostRecent, "Sort.MostRecent"),
    ];

    public bool Matches(StrategySummary s) =>
        (Symbol is null || string.Equals(s.Strategy.Symbol, Symbol, StringComparison.OrdinalIgnoreCase))
        && Pnl switch
        {
            PnlFilter.Profit => s.Trades.NetUsdt > 0,
            PnlFilter.Loss => s.Trades.NetUsdt < 0,
            _ => true,
        }
        && Status switch
        {
            StatusFilter.Running => s.DisplayStatus == "running",
            StatusFilter.Paused => s.DisplayStatus == "paused",
            StatusFilter.Error => s.DisplayStatus == "error",
            _ => true,
        }
        && Positions switch
        {
            PositionsFilter.With => s.OpenPositions > 0,
            PositionsFilter.Without => s.OpenPositions == 0,
            _ => true,
        };

    /// <summary>Filtered and sorted; ties broken by name then id so the order is stable across live reloads.</summary>
    public IReadOnlyList<StrategySummary> Apply(IEnumerable<StrategySummary> summaries)
    {
        var filtered = summaries.Where(Matches);
        var sorted = Sort switch
        {
            PlazaSort.NetUsdtAsc => filtered.OrderBy(s => s.Trades.NetUsdt),
            PlazaSort.Pnl24hDesc => filtered.OrderByDescending(s => s.Trades.PnlUsdt24h),
            PlazaSort.Pnl24hAsc => filtered.OrderBy(s => s.Trades.PnlUsdt24h),
            PlazaSort.MostRecent => filtered.OrderByDescending(s => s.RecentMs),
            _ => filtered.OrderByDescending(s => s.Trades.NetUsdt),
        };
        return [.. sorted.ThenBy(s => s.Strategy.DisplayName, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.Id)];
    }

    /// <summary>Cards per virtualized row: rows, not cards, are the virtualized items so the grid keeps columns.</summary>
    public static IReadOnlyList<StrategySummary[]> Rows(IReadOnlyList<StrategySummary> items, int perRow) =>
        [.. items.Chunk(Math.Max(1, perRow))];
}
