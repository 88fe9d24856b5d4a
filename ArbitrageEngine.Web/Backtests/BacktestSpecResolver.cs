using System.Globalization;
using System.Text.Json;
using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Strategies;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Backtests;

/// <summary>A spec planned into a runnable request (with its grid labels), or the per-field errors that stop it.</summary>
public sealed record ResolvedSpec(BacktestRequest? Request, IReadOnlyDictionary<string, string[]> Errors, IReadOnlyDictionary<Guid, string> GridLabels, WalkForwardSettings WalkForward);

/// <summary>
/// Reads the JSON spec of the API and the page — the CLI's option names: <c>dataset</c>, <c>from</c>, <c>to</c> (ISO-8601
/// UTC), <c>symbols</c>, <c>strategies</c> ("all", "running", ids as an array or comma-separated), <c>params</c> (rows),
/// <c>grid</c> ({base: id|row, ranges: {field: {min,max,step} | [values]}}), <c>warmup_hours</c>, <c>fee</c>, <c>risk</c>,
/// <c>max_positions</c>, <c>be_buffer</c>, <c>replay_commands</c>, and for walk-forward <c>train_days</c>,
/// <c>test_days</c>, <c>step_days</c> — into a <see cref="BacktestSpec"/>, and plans it with the same
/// <see cref="BacktestPlanner"/> as the CLI against the saved strategies and the stored datasets.
/// </summary>
public sealed class BacktestSpecResolver(MarketDatabase market, IServiceScopeFactory scopes, IOptions<MarketOptions> marketOptions, IOptions<PaperOptions> paperOptions, IOptions<BacktestOptions> limits)
{
    public int MaxCombinations => limits.Value.MaxCombinations;

    public async Task<ResolvedSpec> ResolveAsync(JsonElement json, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var spec = Read(json, errors, out var walkForward);
        var live = await market.DatasetAsync(cancellationToken);
        spec = spec with { Dataset = string.IsNullOrWhiteSpace(spec.Dataset) ? live.Name : spec.Dataset.Trim() };

        // Only the named dataset's ranges are read (counting scans its trades).
        var datasets = await market.DatasetsAsync(cancellationToken);
        var entries = new List<DatasetCatalogEntry>();
        foreach (var d in await datasets.ListAsync(cancellationToken))
        {
            entries.Add(new DatasetCatalogEntry(d, d.Name == spec.Dataset ? await datasets.RangesAsync(d.Id, cancellationToken) : []));
        }

        await using var scope = scopes.CreateAsyncScope();
        var strategies = await scope.ServiceProvider.GetRequiredService<StrategyService>().ListAsync(includeDeprecated: true, cancellationToken);
        var symbols = marketOptions.Value.Symbols.Length > 0 ? marketOptions.Value.Symbols : MarketOptions.DefaultSymbols;
        var catalog = new BacktestCatalog(strategies, entries, symbols, MarketPipelineService.PaperSettingsFrom(paperOptions.Value));
        var plan = BacktestPlanner.Plan(spec, catalog, MaxCombinations);
        foreach (var (key, messages) in plan.Errors)
        {
            errors.TryAdd(key, [.. messages]);
        }

        return errors.Count > 0 || !plan.IsValid
            ? new ResolvedSpec(null, errors, plan.GridLabels, walkForward)
            : new ResolvedSpec(plan.Request, errors, plan.GridLabels, walkForward);
    }

    /// <summary>The spec's fields; malformed ones become errors under their key (the planner then reports the rest).</summary>
    public static BacktestSpec Read(JsonElement json, Dictionary<string, string[]> errors, out WalkForwardSettings walkForward)
    {
        walkForward = new WalkForwardSettings();
        if (json.ValueKind != JsonValueKind.Object)
        {
            errors[""] = ["The backtest must be a JSON object."];
            return new BacktestSpec();
        }

        var spec = new BacktestSpec
        {
            Dataset = Text(json, "dataset", errors),
            From = Time(json, "from", errors),
            To = Time(json, "to", errors),
            WarmupHours = Number(json, "warmup_hours", errors) ?? 24,
            Fee = Number(json, "fee", errors),
            Risk = Number(json, "risk", errors),
            BeBuffer = Number(json, "be_buffer", errors),
            ReplayCommands = json.TryGetProperty("replay_commands", out var rc) && rc.ValueKind == JsonValueKind.True,
        };

        if (Number(json, "max_positions", errors) is { } max)
        {
            if (max == Math.Floor(max) && max is >= 0 and <= int.MaxValue)
            {
                spec = spec with { MaxPositions = (int)max };
            }
            else
            {
                errors["max_positions"] = ["Must be a whole number."];
            }
        }

        if (json.TryGetProperty("symbols", out var symbols) && symbols.ValueKind != JsonValueKind.Null)
        {
            spec = symbols.ValueKind == JsonValueKind.Array && symbols.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String)
                ? spec with { Symbols = [.. symbols.EnumerateArray().Select(s => s.GetString()!.Trim().ToUpperInvariant()).Where(s => s.Length > 0)] }
                : Fail(spec, errors, "symbols", "Must be an array of symbols.");
        }

        if (json.TryGetProperty("strategies", out var ids) && ids.ValueKind != JsonValueKind.Null)
        {
            spec = ids.ValueKind switch
            {
                JsonValueKind.String => spec with { Strategies = ids.GetString() },
                JsonValueKind.Array when ids.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String) =>
                    spec with { Strategies = string.Join(',', ids.EnumerateArray().Select(s => s.GetString())) },
                _ => Fail(spec, errors, "strategies", "Must be \"all\", \"running\" or strategy ids."),
            };
        }

        try
        {
            if (json.TryGetProperty("params", out var rows) && rows.ValueKind != JsonValueKind.Null)
            {
                spec = spec with { Rows = BacktestSpecJson.ParseRows(rows) };
            }
        }
        catch (BacktestSpecFormatException ex)
        {
            errors["params"] = [ex.Message];
        }

        try
        {
            if (json.TryGetProperty("grid", out var grid) && grid.ValueKind != JsonValueKind.Null)
            {
                spec = spec with { Grid = BacktestSpecJson.ParseGrid(grid) };
            }
        }
        catch (BacktestSpecFormatException ex)
        {
            errors["grid"] = [ex.Message];
        }

        walkForward = new WalkForwardSettings
        {
            TrainMs = Days(json, "train_days", 7, errors),
            TestMs = Days(json, "test_days", 2, errors),
            StepMs = Days(json, "step_days", 2, errors),
        };
        return spec;
    }

    private static BacktestSpec Fail(BacktestSpec spec, Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return spec;
    }

    private static long Days(JsonElement json, string field, double fallback, Dictionary<string, string[]> errors)
    {
        var days = Number(json, field, errors) ?? fallback;
        if (days is <= 0 or > 365)
        {
            errors[field] = ["Must be between 0 and 365 days (exclusive of 0)."];
            days = fallback;
        }

        return (long)(days * 86_400_000);
    }

    private static string? Text(JsonElement json, string field, Dictionary<string, string[]> errors)
    {
        if (!json.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String || v.GetString()!.Any(char.IsControl) || v.GetString()!.Length > 100)
        {
            errors[field] = ["Must be a name of at most 100 characters."];
            return null;
        }

        return v.GetString();
    }

    private static DateTimeOffset? Time(JsonElement json, string field, Dictionary<string, string[]> errors)
    {
        if (!json.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            return t;
        }

        errors[field] = ["Not a time (ISO-8601 UTC, e.g. 2026-11-30T08:00:00Z)."];
        return null;
    }

    private static double? Number(JsonElement json, string field, Dictionary<string, string[]> errors)
    {
        if (!json.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && double.IsFinite(v.GetDouble()))
        {
            return v.GetDouble();
        }

        errors[field] = ["Must be a number."];
        return null;
    }
}
