using System.Globalization;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Backtest;

/// <summary>
/// One varied field of a grid: either <see cref="Values"/> (any field, as text) or <see cref="Min"/>..<see cref="Max"/>
/// by <see cref="Step"/> (numeric fields; decimal arithmetic, so 0.1 steps do not drift; both ends inclusive).
/// </summary>
public sealed record GridRange(string Field)
{
    public decimal? Min { get; init; }
    public decimal? Max { get; init; }
    public decimal? Step { get; init; }
    public IReadOnlyList<string>? Values { get; init; }
}

/// <summary>A grid over a base strategy: a saved one by id or a full row, and the ranges per field.</summary>
public sealed record BacktestGridSpec
{
    public Guid? BaseStrategyId { get; init; }

    public StrategyDefinition? BaseRow { get; init; }

    public IReadOnlyList<GridRange> Ranges { get; init; } = [];
}

/// <summary>One combination of a grid: the strategy and the values it got.</summary>
public sealed record GridCombination(StrategyDefinition Strategy, IReadOnlyList<KeyValuePair<string, string>> Values)
{
    /// <summary>"entry_score=80 tp1_ratio=0.75".</summary>
    public string Label => string.Join(' ', Values.Select(v => $"{v.Key}={v.Value}"));
}

/// <summary>Grid arithmetic: value lists per range, the combination count (shown live by a form) and the expansion.</summary>
public static class BacktestGrid
{
    /// <summary>Most values a single numeric range may produce (a typo like step 0.0001 is refused, not expanded).</summary>
    public const int MaxValuesPerRange = 100_000;

    /// <summary>Combinations of the spec's grid (0 without a grid or with an invalid range; saturates at <see cref="long.MaxValue"/>).</summary>
    public static long Count(BacktestSpec spec) => spec.Grid is { } grid ? Count(grid) : 0;

    public static long Count(BacktestGridSpec grid)
    {
        if (grid.Ranges.Count == 0)
        {
            return 0;
        }

        long count = 1;
        foreach (var range in grid.Ranges)
        {
            var n = Values(range, out _)?.Count ?? 0;
            if (n == 0)
            {
                return 0;
            }

            count = count > long.MaxValue / n ? long.MaxValue : count * n;
        }

        return count;
    }

    /// <summary>The values of one range as text, or null with <paramref name="error"/>.</summary>
    public static IReadOnlyList<string>? Values(GridRange range, out string? error)
    {
        error = null;
        if (!StrategyFields.IsKnown(range.Field))
        {
            error = $"unknown field '{range.Field}'; fields: {string.Join(", ", StrategyFields.Names)}";
            return null;
        }

        if (range.Values is { } values)
        {
            if (range.Min is not null || range.Max is not null || range.Step is not null)
            {
                error = "give either values or min/max/step, not both";
                return null;
            }

            if (values.Count == 0)
            {
                error = "values must not be empty";
                return null;
            }

            if (values.Distinct(StringComparer.Ordinal).Count() != values.Count)
            {
                error = "values must be distinct";
                return null;
            }

            return values;
        }

        if (!StrategyFields.IsNumeric(range.Field))
        {
            error = $"{range.Field} takes a list of values";
            return null;
        }

        if (range is not { Min: { } min, Max: { } max, Step: { } step })
        {
            error = "min, max and step are required (or a list of values)";
            return null;
        }

        if (step <= 0)
        {
            error = "step must be greater than 0";
            return null;
        }

        if (max < min)
        {
            error = "max must be at least min";
            return null;
        }

        var n = decimal.Floor((max - min) / step) + 1;
        if (n > MaxValuesPerRange)
        {
            error = FormattableString.Invariant($"{n} values; at most {MaxValuesPerRange} per field");
            return null;
        }

        var list = new string[(int)n];
        for (var i = 0; i < list.Length; i++)
        {
            list[i] = (min + (i * step)).ToString("0.############################", CultureInfo.InvariantCulture);
        }

        return list;
    }

    /// <summary>
    /// Every combination over <paramref name="baseStrategy"/> (the last range varies fastest). Ids are derived from the
    /// base id and the index, so a rerun of the same grid names the same strategies; names are "base #i".
    /// A value the field cannot take is reported through <paramref name="invalid"/> (index, field, value) and skipped.
    /// </summary>
    public static IEnumerable<GridCombination> Expand(StrategyDefinition baseStrategy, BacktestGridSpec grid, Action<int, string, string>? invalid = null)
    {
        var lists = grid.Ranges.Select(r => Values(r, out _) ?? throw new ArgumentException($"invalid range for {r.Field}", nameof(grid))).ToArray();
        var total = Count(grid);
        var index = new int[lists.Length];
        var baseName = baseStrategy.DisplayName.Length > 30 ? baseStrategy.DisplayName[..30] : baseStrategy.DisplayName;
        for (long k = 0; k < total; k++)
        {
            var s = baseStrategy;
            var values = new KeyValuePair<string, string>[lists.Length];
            var ok = true;
            for (var f = 0; f < lists.Length; f++)
            {
                var field = grid.Ranges[f].Field;
                var value = lists[f][index[f]];
                values[f] = new(field, value);
                if (StrategyFields.TrySet(s, field, value) is { } next)
                {
                    s = next;
                }
                else
                {
                    invalid?.Invoke((int)Math.Min(k, int.MaxValue), field, value);
                    ok = false;
                }
            }

            if (ok)
            {
                yield return new GridCombination(
                    s with
                    {
                        StrategyId = CombinationId(baseStrategy.StrategyId, k),
                        DisplayName = FormattableString.Invariant($"{(baseName.Length == 0 ? "grid" : baseName)} #{k + 1}"),
                        Status = StrategyStatus.Running,
                    },
                    values);
            }

            for (var f = lists.Length - 1; f >= 0; f--)
            {
                if (++index[f] < lists[f].Count)
                {
                    break;
                }

                index[f] = 0;
            }
        }
    }

    /// <summary>A stable id per (base, index): the base id with the index folded into its last 8 bytes.</summary>
    public static Guid CombinationId(Guid baseId, long index)
    {
        Span<byte> bytes = stackalloc byte[16];
        baseId.TryWriteBytes(bytes);
        var tail = BitConverter.ToInt64(bytes[8..]) ^ (index + 1) ^ 0x5A5A_0000_0000_0000;
        BitConverter.TryWriteBytes(bytes[8..], tail);
        return new Guid(bytes);
    }
}
