using System.Globalization;
using System.Text.Json;
using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Hosting.Market;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Backtests;

/// <summary>A spec resolved into a runnable request, or the per-field errors that stop it (nothing runs, nothing is stored).</summary>
public sealed record ResolvedSpec(BacktestRequest? Request, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>
/// Turns the JSON spec of the API and the page (CLI option names: dataset, from, to, symbols, strategies, params, grid,
/// warmup_hours, fee, risk, max_positions, be_buffer, replay_commands) into a validated <see cref="BacktestRequest"/>:
/// unknown dataset/strategy/symbol, a range without data (saying which range exists), from ≥ to, invalid ad-hoc rows
/// (per field, by <see cref="StrategyValidator"/>) and a grid over the cap (count and cap) are field errors.
/// </summary>
public sealed class BacktestSpecResolver(MarketDatabase market, IServiceScopeFactory scopes, IOptions<MarketOptions> marketOptions, IOptions<PaperOptions> paperOptions, IConfiguration configuration)
{
    public long MaxCombinations => configuration.GetValue<long?>("Backtest:MaxCombinations") ?? 5000;

    public async Task<ResolvedSpec> ResolveAsync(JsonElement spec, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Error(string field, string message) => errors[field] = [message];

        // Dataset (default: the live one).
        var catalog = await market.DatasetsAsync(cancellationToken);
        var datasets = await catalog.ListAsync(cancellationToken);
        DatasetInfo? dataset;
        if (Text(spec, "dataset") is { Length: > 0 } name)
        {
            dataset = datasets.FirstOrDefault(d => d.Name == name);
            if (dataset is null)
            {
                Error("dataset", new DatasetNotFoundException(name, datasets).Message);
            }
        }
        else
        {
            dataset = await market.DatasetAsync(cancellationToken);
        }

        var from = Time(spec, "from", errors);
        var to = Time(spec, "to", errors);
        if (from is { } f && to is { } t && f >= t)
        {
            Error("to", "'to' must be after 'from'.");
        }

        // Strategies: saved ones by id, "all"/"running", ad-hoc rows, or a grid.
        await using var scope = scopes.CreateAsyncScope();
        var saved = await scope.ServiceProvider.GetRequiredService<ArbitrageEngine.Web.Strategies.StrategyService>().ListAsync(false, cancellationToken);
        var strategies = new List<StrategyDefinition>();
        var symbolsConfigured = marketOptions.Value.Symbols;
        if (spec.TryGetProperty("strategies", out var ids))
        {
            if (ids.ValueKind == JsonValueKind.String && ids.GetString() is "all" or "running")
            {
                strategies.AddRange(ids.GetString() == "all" ? saved : saved.Where(s => s.Status == StrategyStatus.Running));
            }
            else if (ids.ValueKind == JsonValueKind.Array)
            {
                foreach (var id in ids.EnumerateArray())
                {
                    if (id.ValueKind != JsonValueKind.String || !Guid.TryParse(id.GetString(), out var g) || saved.FirstOrDefault(s => s.StrategyId == g) is not { } s)
                    {
                        Error("strategies", $"Unknown strategy: {(id.ValueKind == JsonValueKind.String ? id.GetString() : id.GetRawText())}.");
                        break;
                    }

                    strategies.Add(s);
                }
            }
            else
            {
                Error("strategies", "Must be \"all\", \"running\" or an array of strategy ids.");
            }
        }

        if (spec.TryGetProperty("params", out var rows))
        {
            if (rows.ValueKind != JsonValueKind.Array)
            {
                Error("params", "Must be an array of strategy rows.");
            }
            else
            {
                var i = 0;
                foreach (var row in rows.EnumerateArray())
                {
                    if (Row(row, $"params[{i}]", symbolsConfigured, errors) is { } s)
                    {
                        strategies.Add(s);
                    }

                    i++;
                }
            }
        }

        if (spec.TryGetProperty("grid", out var grid))
        {
            strategies.AddRange(Grid(grid, symbolsConfigured, errors));
        }

        if (strategies.Count == 0 && !errors.Keys.Any(k => k.StartsWith("params", StringComparison.Ordinal) || k.StartsWith("grid", StringComparison.Ordinal) || k == "strategies"))
        {
            Error("strategies", "Choose at least one strategy (strategies, params or grid).");
        }

        // Symbols (default: the strategies').
        var symbols = spec.TryGetProperty("symbols", out var sym) && sym.ValueKind == JsonValueKind.Array
            ? sym.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()!.Trim().ToUpperInvariant() : "").ToList()
            : strategies.Select(s => s.Symbol).Distinct(StringComparer.Ordinal).ToList();
        IReadOnlyList<DatasetSymbolRange> ranges = dataset is null ? [] : await catalog.RangesAsync(dataset.Id, cancellationToken);
        if (symbols.Count == 0)
        {
            Error("symbols", "Choose at least one symbol.");
        }
        else if (dataset is not null && symbols.FirstOrDefault(s => ranges.All(r => r.Symbol != s)) is { } unknown)
        {
            Error("symbols", $"The dataset {dataset.Name} has no trades of '{unknown}'; it has: {(ranges.Count == 0 ? "none" : string.Join(", ", ranges.Select(r => r.Symbol)))}.");
        }
        else if (strategies.FirstOrDefault(s => !symbols.Contains(s.Symbol)) is { } outside)
        {
            Error("symbols", $"The strategy {outside.DisplayName} trades {outside.Symbol}, which is not among the symbols.");
        }

        if (dataset is not null && from is { } f2 && to is { } t2 && f2 < t2 && !errors.ContainsKey("symbols"))
        {
            var used = ranges.Where(r => symbols.Contains(r.Symbol)).ToList();
            if (used.Count > 0 && !used.Any(r => r.FirstTimeMs < t2 && r.LastTimeMs >= f2))
            {
                Error("from", $"No stored trades in that range; {dataset.Name} holds {Iso(used.Min(r => r.FirstTimeMs))} → {Iso(used.Max(r => r.LastTimeMs))}.");
            }
        }

        var paper = paperOptions.Value;
        var warmupHours = Number(spec, "warmup_hours", 24, 0, 168, errors);
        var fee = Number(spec, "fee", paper.FeeRate, 0, 0.01, errors);
        var risk = Number(spec, "risk", paper.RiskPerTrade, 0.0001, 0.2, errors);
        var maxPositions = Number(spec, "max_positions", paper.MaxPositions, 1, 10_000, errors);
        var beBuffer = Number(spec, "be_buffer", paper.BeBufferAtr, 0, 5, errors);
        var replay = spec.TryGetProperty("replay_commands", out var rc) && rc.ValueKind == JsonValueKind.True;

        if (errors.Count > 0 || dataset is null || from is null || to is null)
        {
            return new ResolvedSpec(null, errors);
        }

        return new ResolvedSpec(new BacktestRequest
        {
            Strategies = strategies,
            Symbols = symbols,
            Dataset = dataset,
            FromMs = from.Value,
            ToMs = to.Value,
            WarmupMs = (long)(warmupHours * 3_600_000),
            Paper = MarketPipelineService.PaperSettingsFrom(paper) with { FeeRate = fee, RiskPerTrade = risk, MaxPositions = (int)maxPositions, BeBufferAtr = beBuffer },
            ReplayRecordedCommands = replay,
        }, errors);
    }

    private static StrategyDefinition? Row(JsonElement row, string field, IReadOnlyCollection<string> symbols, Dictionary<string, string[]> errors)
    {
        if (row.ValueKind != JsonValueKind.Object)
        {
            errors[field] = ["Must be a strategy row (an object)."];
            return null;
        }

        StrategyDefinition s;
        try
        {
            // Ad-hoc rows need no id: they get a fresh one (never a saved strategy's account).
            s = StrategyJson.Parse(WithId(row));
        }
        catch (FormatException ex)
        {
            errors[field] = [ex.Message];
            return null;
        }

        var fieldErrors = StrategyValidator.Validate(s, symbols);
        foreach (var (key, messages) in fieldErrors)
        {
            errors[$"{field}.{key}"] = [.. messages];
        }

        return fieldErrors.Count == 0 ? s : null;
    }

    private IEnumerable<StrategyDefinition> Grid(JsonElement grid, IReadOnlyCollection<string> symbols, Dictionary<string, string[]> errors)
    {
        if (grid.ValueKind != JsonValueKind.Object || !grid.TryGetProperty("base", out var baseRow) || !grid.TryGetProperty("ranges", out var ranges) || ranges.ValueKind != JsonValueKind.Object)
        {
            errors["grid"] = ["Must be {\"base\": strategy row, \"ranges\": {field: {from, to, step}}}."];
            return [];
        }

        if (Row(baseRow, "grid.base", symbols, errors) is not { } b)
        {
            return [];
        }

        var axes = new List<(string Field, double[] Values)>();
        foreach (var r in ranges.EnumerateObject())
        {
            if (!Setters.ContainsKey(r.Name))
            {
                errors["grid." + r.Name] = ["Not a numeric strategy field."];
                continue;
            }

            var from = r.Value.TryGetProperty("from", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetDouble() : double.NaN;
            var to = r.Value.TryGetProperty("to", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : double.NaN;
            var step = r.Value.TryGetProperty("step", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : double.NaN;
            if (!double.IsFinite(from) || !double.IsFinite(to) || !double.IsFinite(step) || step <= 0 || to < from)
            {
                errors["grid." + r.Name] = ["The range needs numbers from ≤ to and step > 0."];
                continue;
            }

            var n = (long)Math.Floor(((to - from) / step) + 1e-9) + 1;
            axes.Add((r.Name, [.. Enumerable.Range(0, (int)Math.Min(n, MaxCombinations + 1)).Select(i => Math.Round(from + (i * step), 10))]));
        }

        var count = axes.Aggregate(1L, (n, a) => n * a.Values.Length);
        if (count > MaxCombinations)
        {
            errors["grid"] = [string.Create(CultureInfo.InvariantCulture, $"The grid has {count} combinations; at most {MaxCombinations} are allowed (Backtest:MaxCombinations).")];
        }

        if (errors.Keys.Any(k => k.StartsWith("grid", StringComparison.Ordinal)))
        {
            return [];
        }

        var combos = new List<StrategyDefinition> { b };
        foreach (var (field, values) in axes)
        {
            combos = [.. combos.SelectMany(c => values.Select(v => Setters[field](c, v)))];
        }

        var result = new List<StrategyDefinition>();
        var index = 0;
        foreach (var c in combos)
        {
            var named = c with { StrategyId = Guid.NewGuid(), DisplayName = Truncate($"{b.DisplayName} #{++index}") };
            var fieldErrors = StrategyValidator.Validate(named, symbols);
            if (fieldErrors.Count > 0)
            {
                var (key, messages) = fieldErrors.First();
                errors["grid." + key] = [$"Combination {index}: {messages[0]}"];
                return [];
            }

            result.Add(named);
        }

        return result;
    }

    /// <summary>The numeric fields a grid may vary (the form's tunables and the weights).</summary>
    private static readonly Dictionary<string, Func<StrategyDefinition, double, StrategyDefinition>> Setters = new(StringComparer.Ordinal)
    {
        ["entry_score"] = (s, v) => s with { EntryScore = (int)Math.Round(v) },
        ["flip_threshold"] = (s, v) => s with { FlipThreshold = (int)Math.Round(v) },
        ["timeout_minutes"] = (s, v) => s with { TimeoutMinutes = (int)Math.Round(v) },
        ["sl_atr_multiplier"] = (s, v) => s with { SlAtrMultiplier = v },
        ["tp1_ratio"] = (s, v) => s with { Tp1Ratio = v },
        ["tp2_ratio"] = (s, v) => s with { Tp2Ratio = v },
        ["weight_direction"] = (s, v) => s with { WeightDirection = (int)Math.Round(v) },
        ["weight_env"] = (s, v) => s with { WeightEnv = (int)Math.Round(v) },
        ["weight_aux"] = (s, v) => s with { WeightAux = (int)Math.Round(v) },
        ["weight_momentum"] = (s, v) => s with { WeightMomentum = (int)Math.Round(v) },
    };

    private static string Truncate(string name) => name.Length <= 50 ? name : name[..50];

    private static JsonElement WithId(JsonElement row)
    {
        if (row.TryGetProperty("strategy_id", out var id) && id.ValueKind == JsonValueKind.String)
        {
            // A row copied from a saved strategy keeps its parameters but never its identity.
            var node = System.Text.Json.Nodes.JsonNode.Parse(row.GetRawText())!.AsObject();
            node["strategy_id"] = Guid.NewGuid().ToString("D");
            return JsonSerializer.SerializeToElement(node);
        }

        var withId = System.Text.Json.Nodes.JsonNode.Parse(row.GetRawText())!.AsObject();
        withId["strategy_id"] = Guid.NewGuid().ToString("D");
        return JsonSerializer.SerializeToElement(withId);
    }

    private static long? Time(JsonElement spec, string field, Dictionary<string, string[]> errors)
    {
        if (Text(spec, field) is not { Length: > 0 } text)
        {
            errors[field] = ["Required (ISO-8601 UTC, e.g. 2026-11-30T08:00:00Z)."];
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            errors[field] = ["Not a time (ISO-8601 UTC, e.g. 2026-11-30T08:00:00Z)."];
            return null;
        }

        return t.ToUnixTimeMilliseconds();
    }

    private static double Number(JsonElement spec, string field, double fallback, double min, double max, Dictionary<string, string[]> errors)
    {
        if (!spec.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble()) || v.GetDouble() < min || v.GetDouble() > max)
        {
            errors[field] = [string.Create(CultureInfo.InvariantCulture, $"Must be between {min} and {max}.")];
            return fallback;
        }

        return v.GetDouble();
    }

    private static string? Text(JsonElement spec, string field) =>
        spec.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
