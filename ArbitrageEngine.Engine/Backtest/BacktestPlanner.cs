using System.ComponentModel.DataAnnotations;
using System.Globalization;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Backtest;

/// <summary>
/// What a user asks for (backtest.md §6), shared by the CLI, the API and the page: unresolved names and ids, optional
/// paper overrides. <see cref="BacktestPlanner"/> turns it into a <see cref="BacktestRequest"/> or per-field errors.
/// </summary>
public sealed record BacktestSpec
{
    /// <summary>Dataset name (the CLI defaults it to the configured market source's).</summary>
    public string? Dataset { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    /// <summary>Symbols to replay; empty = the strategies' symbols.</summary>
    public IReadOnlyList<string> Symbols { get; init; } = [];

    /// <summary><c>all</c> (every saved strategy that is not deprecated), <c>running</c>, or comma-separated ids; null/empty = none.</summary>
    public string? Strategies { get; init; }

    /// <summary>Ad-hoc parameter sets (validated by <see cref="StrategyValidator"/>; an empty id gets a fresh one).</summary>
    public IReadOnlyList<StrategyDefinition> Rows { get; init; } = [];

    public BacktestGridSpec? Grid { get; init; }

    public double WarmupHours { get; init; } = 24;

    public double? Fee { get; init; }

    public double? Risk { get; init; }

    public int? MaxPositions { get; init; }

    public double? BeBuffer { get; init; }

    /// <summary>Apply the recorded engine commands of the period (parity with live).</summary>
    public bool ReplayCommands { get; init; }
}

/// <summary>A dataset and what it stores, per symbol.</summary>
public sealed record DatasetCatalogEntry(DatasetInfo Dataset, IReadOnlyList<DatasetSymbolRange> Ranges);

/// <summary>What the planner checks a spec against (read by the caller; the planner itself does no I/O).</summary>
public sealed record BacktestCatalog(
    IReadOnlyList<StrategyDefinition> Strategies,
    IReadOnlyList<DatasetCatalogEntry> Datasets,
    IReadOnlyCollection<string> ConfiguredSymbols,
    PaperSettings Paper);

/// <summary>The "Backtest" configuration section.</summary>
public sealed class BacktestOptions
{
    public const string SectionName = "Backtest";

    /// <summary>Most grid combinations one run may have (backtest.md §6).</summary>
    [Range(1, 1_000_000)]
    public int MaxCombinations { get; set; } = 5000;
}

/// <summary>A planned backtest: the request, or the errors per field (and then no request).</summary>
public sealed record BacktestPlan(BacktestRequest? Request, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Request is not null && Errors.Count == 0;

    /// <summary>Grid combinations' values by strategy id ("entry_score=80 tp1_ratio=0.75").</summary>
    public IReadOnlyDictionary<Guid, string> GridLabels { get; init; } = new Dictionary<Guid, string>();
}

/// <summary>
/// Resolves and validates a <see cref="BacktestSpec"/> (pure: everything it needs comes in the <see cref="BacktestCatalog"/>).
/// Every backtested strategy runs as <c>running</c> (a paused strategy picked by id is still evaluated) and starts from
/// its initial balance, so runs are comparable whatever the strategy did live. Error keys: <c>dataset</c>, <c>from</c>,
/// <c>to</c>, <c>symbols</c>, <c>strategies</c>, <c>rows[i].field</c>, <c>grid</c>, <c>grid.field</c>,
/// <c>warmup_hours</c>, <c>fee</c>, <c>risk</c>, <c>max_positions</c>, <c>be_buffer</c>.
/// </summary>
public static class BacktestPlanner
{
    public const double MaxWarmupHours = 24 * 7;

    public static BacktestPlan Plan(BacktestSpec spec, BacktestCatalog catalog, int maxCombinations = 5000)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        // Dataset and range.
        DatasetCatalogEntry? dataset = null;
        if (string.IsNullOrWhiteSpace(spec.Dataset))
        {
            Add("dataset", "Choose a dataset.");
        }
        else if ((dataset = catalog.Datasets.FirstOrDefault(d => string.Equals(d.Dataset.Name, spec.Dataset.Trim(), StringComparison.Ordinal))) is null)
        {
            Add("dataset", $"Dataset '{spec.Dataset.Trim()}' does not exist; existing: {(catalog.Datasets.Count == 0 ? "none" : string.Join(", ", catalog.Datasets.Select(d => d.Dataset.Name)))}.");
        }

        if (spec.From is null)
        {
            Add("from", "From is required.");
        }

        if (spec.To is null)
        {
            Add("to", "To is required.");
        }
        else if (spec.From is { } f0 && spec.To <= f0)
        {
            Add("to", "To must be after from.");
        }

        // Strategies: saved ones, ad-hoc rows, a grid.
        var strategies = new List<StrategyDefinition>();
        var selection = spec.Strategies?.Trim() ?? "";
        if (selection.Length > 0)
        {
            if (string.Equals(selection, "all", StringComparison.OrdinalIgnoreCase))
            {
                strategies.AddRange(catalog.Strategies.Where(s => s.Status != StrategyStatus.Deprecated));
            }
            else if (string.Equals(selection, "running", StringComparison.OrdinalIgnoreCase))
            {
                strategies.AddRange(catalog.Strategies.Where(s => s.Status == StrategyStatus.Running));
            }
            else
            {
                foreach (var part in selection.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!Guid.TryParse(part, out var id))
                    {
                        Add("strategies", $"'{part}' is not a strategy id (use all, running or ids separated by commas).");
                    }
                    else if (catalog.Strategies.FirstOrDefault(s => s.StrategyId == id) is { } known)
                    {
                        strategies.Add(known);
                    }
                    else
                    {
                        Add("strategies", $"Unknown strategy {id}.");
                    }
                }
            }

            if (strategies.Count == 0 && !errors.ContainsKey("strategies"))
            {
                Add("strategies", $"No strategy is {selection.ToLowerInvariant()}.");
            }
        }

        for (var i = 0; i < spec.Rows.Count; i++)
        {
            var row = spec.Rows[i];
            var rowErrors = StrategyValidator.Validate(row, catalog.ConfiguredSymbols);
            foreach (var (field, messages) in rowErrors)
            {
                foreach (var m in messages)
                {
                    Add(FormattableString.Invariant($"rows[{i}].{field}"), m);
                }
            }

            if (rowErrors.Count == 0)
            {
                strategies.Add(row.StrategyId == Guid.Empty ? row with { StrategyId = AdHocId(i) } : row);
            }
        }

        var labels = new Dictionary<Guid, string>();
        if (spec.Grid is { } grid)
        {
            PlanGrid(grid, catalog, maxCombinations, strategies, labels, Add);
        }

        if (selection.Length == 0 && spec.Rows.Count == 0 && spec.Grid is null)
        {
            Add("strategies", "Choose strategies (all, running or ids), ad-hoc parameter rows or a grid.");
        }

        var duplicates = strategies.GroupBy(s => s.StrategyId).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        foreach (var id in duplicates)
        {
            Add("strategies", $"Strategy {id} is given more than once.");
        }

        // Symbols: given, or the strategies'.
        var symbols = spec.Symbols.Select(s => s.Trim().ToUpperInvariant()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (symbols.Count == 0)
        {
            symbols = [.. strategies.Select(s => s.Symbol).Distinct(StringComparer.Ordinal)];
        }

        foreach (var symbol in symbols.Where(s => !catalog.ConfiguredSymbols.Contains(s)))
        {
            Add("symbols", $"Unknown symbol {symbol}; symbols: {string.Join(", ", catalog.ConfiguredSymbols)}.");
        }

        foreach (var s in strategies.Where(s => !symbols.Contains(s.Symbol)).Take(5))
        {
            Add("symbols", $"Strategy {Name(s)} trades {s.Symbol}, which is not among the symbols.");
        }

        if (dataset is not null && spec.From is { } from && spec.To is { } to && to > from)
        {
            foreach (var symbol in symbols.Where(catalog.ConfiguredSymbols.Contains))
            {
                var range = dataset.Ranges.FirstOrDefault(r => r.Symbol == symbol);
                if (range is null)
                {
                    Add("from", $"Dataset '{dataset.Dataset.Name}' has no trades of {symbol}.");
                }
                else if (to.ToUnixTimeMilliseconds() <= range.FirstTimeMs || from.ToUnixTimeMilliseconds() > range.LastTimeMs)
                {
                    Add("from", $"Dataset '{dataset.Dataset.Name}' has {symbol} only from {Iso(range.FirstTimeMs)} to {Iso(range.LastTimeMs)}.");
                }
            }
        }

        // Warm-up and paper settings.
        if (!double.IsFinite(spec.WarmupHours) || spec.WarmupHours < 0 || spec.WarmupHours > MaxWarmupHours)
        {
            Add("warmup_hours", FormattableString.Invariant($"Must be between 0 and {MaxWarmupHours} hours."));
        }

        var paper = catalog.Paper;
        if (spec.Fee is { } fee)
        {
            Check("fee", fee, 0, 0.01, Add);
            paper = paper with { FeeRate = fee };
        }

        if (spec.Risk is { } risk)
        {
            Check("risk", risk, 0.0001, 0.2, Add);
            paper = paper with { RiskPerTrade = risk };
        }

        if (spec.MaxPositions is { } max)
        {
            Check("max_positions", max, 1, 10_000, Add);
            paper = paper with { MaxPositions = max };
        }

        if (spec.BeBuffer is { } be)
        {
            Check("be_buffer", be, 0, 5, Add);
            paper = paper with { BeBufferAtr = be };
        }

        if (errors.Count > 0 || dataset is null)
        {
            return new BacktestPlan(null, errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }

        var request = new BacktestRequest
        {
            Strategies = [.. strategies.Select(s => s with { Status = StrategyStatus.Running, CurrentBalance = s.InitialBalance })],
            Symbols = symbols,
            Dataset = dataset.Dataset,
            FromMs = spec.From!.Value.ToUnixTimeMilliseconds(),
            ToMs = spec.To!.Value.ToUnixTimeMilliseconds(),
            WarmupMs = (long)(spec.WarmupHours * 3_600_000),
            Paper = paper,
            ReplayRecordedCommands = spec.ReplayCommands,
        };
        return new BacktestPlan(request, new Dictionary<string, string[]>(StringComparer.Ordinal)) { GridLabels = labels };
    }

    private static void PlanGrid(
        BacktestGridSpec grid, BacktestCatalog catalog, int maxCombinations, List<StrategyDefinition> strategies, Dictionary<Guid, string> labels, Action<string, string> add)
    {
        StrategyDefinition? baseStrategy = grid.BaseRow;
        if (grid.BaseStrategyId is { } id)
        {
            baseStrategy = catalog.Strategies.FirstOrDefault(s => s.StrategyId == id);
            if (baseStrategy is null)
            {
                add("grid", $"Unknown base strategy {id}.");
            }
        }
        else if (baseStrategy is null)
        {
            add("grid", "A grid needs a base strategy (a saved strategy's id or a parameter row).");
        }

        if (grid.Ranges.Count == 0)
        {
            add("grid", "A grid needs at least one range.");
        }

        var rangesOk = true;
        foreach (var range in grid.Ranges)
        {
            if (BacktestGrid.Values(range, out var error) is null)
            {
                add("grid." + range.Field, error!);
                rangesOk = false;
            }
        }

        if (grid.Ranges.GroupBy(r => r.Field).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            add("grid." + twice.Key, "The field has more than one range.");
            rangesOk = false;
        }

        if (!rangesOk || baseStrategy is null || grid.Ranges.Count == 0)
        {
            return;
        }

        var count = BacktestGrid.Count(grid);
        if (count > maxCombinations)
        {
            add("grid", FormattableString.Invariant($"The grid has {count} combinations; the cap is {maxCombinations} (Backtest:MaxCombinations)."));
            return;
        }

        var baseId = baseStrategy.StrategyId == Guid.Empty ? AdHocId(-1) : baseStrategy.StrategyId;
        var invalid = 0;
        foreach (var combination in BacktestGrid.Expand(baseStrategy with { StrategyId = baseId }, grid, (_, field, value) => add("grid." + field, $"'{value}' is not a valid value.")))
        {
            var combinationErrors = StrategyValidator.Validate(combination.Strategy, catalog.ConfiguredSymbols);
            if (combinationErrors.Count > 0)
            {
                // One message per field is enough to fix a grid; say which combination first failed.
                if (invalid++ == 0)
                {
                    foreach (var (field, messages) in combinationErrors)
                    {
                        add("grid." + field, $"{combination.Label}: {string.Join(" ", messages)}");
                    }
                }

                continue;
            }

            strategies.Add(combination.Strategy);
            labels[combination.Strategy.StrategyId] = combination.Label;
        }

        if (invalid > 1)
        {
            add("grid", FormattableString.Invariant($"{invalid} of {count} combinations are invalid."));
        }
    }

    private static void Check(string field, double value, double min, double max, Action<string, string> add)
    {
        if (!double.IsFinite(value) || value < min || value > max)
        {
            add(field, string.Create(CultureInfo.InvariantCulture, $"Must be between {min} and {max}."));
        }
    }

    /// <summary>A stable id for the ad-hoc row <paramref name="index"/> given without one.</summary>
    private static Guid AdHocId(int index) => BacktestGrid.CombinationId(new Guid("0000ad0c-0000-4000-8000-000000000000"), index + 1L);

    private static string Name(StrategyDefinition s) => s.DisplayName.Length > 0 ? $"'{s.DisplayName}'" : s.StrategyId.ToString();

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
