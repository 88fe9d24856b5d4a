using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Api;
using ArbitrageEngine.Web.Backtests;
using ArbitrageEngine.Web.Localization;

namespace ArbitrageEngine.Web.Components.Backtest;

/// <summary>How the form chooses strategies.</summary>
public enum BacktestFormMode
{
    /// <summary>Saved strategies picked from the list.</summary>
    Pick,

    /// <summary>One strategy's parameters with overrides (an ad-hoc row).</summary>
    Overrides,

    /// <summary>Ranges over one strategy's parameters (every combination).</summary>
    Grid,
}

/// <summary>A numeric parameter the form can override or sweep.</summary>
public sealed record TunableField(string Key, string Label, double Min, double Max, double Step, bool Integer, Func<StrategyDefinition, double> Get);

/// <summary>One grid range: from, to (inclusive) and step; <see cref="Count"/> values.</summary>
public sealed class FormGridRange
{
    public bool Enabled { get; set; }
    public double From { get; set; }
    public double To { get; set; }
    public double Step { get; set; }

    /// <summary>Values in the range (0 when it is invalid: step ≤ 0 or to &lt; from).</summary>
    public long Count => !Enabled ? 1 : Step <= 0 || To < From ? 0 : (long)Math.Floor(((To - From) / Step) + 1e-9) + 1;

    public IEnumerable<double> Values()
    {
        for (var i = 0L; i < Count; i++)
        {
            yield return Math.Round(From + (i * Step), 10);
        }
    }
}

/// <summary>
/// Mutable state of the /backtest form; <see cref="ToSpec"/> builds the JSON spec the API and the planner take
/// (server validation is authoritative, <see cref="Validate"/> catches the obvious before a round trip).
/// </summary>
public sealed class BacktestFormModel
{
    public static readonly IReadOnlyList<TunableField> Tunables =
    [
        new("entry_score", "Backtest.Field.entry_score", 60, 95, 1, true, s => s.EntryScore),
        new("sl_atr_multiplier", "Backtest.Field.sl_atr_multiplier", 0.5, 3, 0.1, false, s => s.SlAtrMultiplier),
        new("tp1_ratio", "Backtest.Field.tp1_ratio", 0.3, 2, 0.1, false, s => s.Tp1Ratio),
        new("tp2_ratio", "Backtest.Field.tp2_ratio", 0.5, 4, 0.1, false, s => s.Tp2Ratio),
        new("timeout_minutes", "Backtest.Field.timeout_minutes", 30, 1440, 5, true, s => s.TimeoutMinutes),
        new("flip_threshold", "Backtest.Field.flip_threshold", 60, 95, 1, true, s => s.FlipThreshold),
    ];

    public BacktestFormMode Mode { get; set; } = BacktestFormMode.Pick;

    /// <summary>Saved strategies picked (Pick mode).</summary>
    public HashSet<Guid> Selected { get; } = [];

    /// <summary>The strategy whose parameters are the base (Overrides and Grid modes).</summary>
    public StrategyDefinition? Base { get; private set; }

    public Dictionary<string, double> Overrides { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, FormGridRange> Grid { get; } = new(StringComparer.Ordinal);

    public List<string> Symbols { get; set; } = [];

    public string Dataset { get; set; } = "";

    /// <summary>Start of the range, UTC, "yyyy-MM-dd HH:mm" (ISO-8601 accepted).</summary>
    public string FromText { get; set; } = "";

    /// <summary>End of the range (exclusive), UTC.</summary>
    public string ToText { get; set; } = "";

    public DateTime? From => ParseUtc(FromText);

    public DateTime? To => ParseUtc(ToText);

    public static string FormatUtc(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static DateTime? ParseUtc(string? text) =>
        DateTime.TryParseExact(text?.Trim(), ["yyyy-MM-dd HH:mm", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd"],
            CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var v) ? v : null;

    public int WarmupHours { get; set; } = 24;

    public double Fee { get; set; } = 0.0005;

    public double Risk { get; set; } = 0.02;

    public int MaxPositions { get; set; } = 100;

    public double BeBuffer { get; set; }

    public bool ReplayCommands { get; set; }

    /// <summary>Grid mode only: run walk-forward (train/test/step days) instead of one backtest.</summary>
    public bool WalkForward { get; set; }

    public double TrainDays { get; set; } = 7;

    public double TestDays { get; set; } = 2;

    public double StepDays { get; set; } = 2;

    /// <summary>The run kind this form submits.</summary>
    public string Kind => Mode == BacktestFormMode.Grid && WalkForward ? BacktestRunKinds.WalkForward : BacktestRunKinds.Backtest;

    /// <summary>Sets the base strategy; overrides and ranges start at its values.</summary>
    public void SetBase(StrategyDefinition strategy)
    {
        Base = strategy;
        Overrides.Clear();
        Grid.Clear();
        foreach (var f in Tunables)
        {
            var v = f.Get(strategy);
            Overrides[f.Key] = v;
            Grid[f.Key] = new FormGridRange { From = v, To = v, Step = f.Step };
        }

        if (!Symbols.Contains(strategy.Symbol))
        {
            Symbols.Add(strategy.Symbol);
        }
    }

    /// <summary>Combinations the grid expands to (1 outside Grid mode; 0 when a range is invalid).</summary>
    public long Combinations => Mode != BacktestFormMode.Grid ? 1 : Grid.Values.Aggregate(1L, (n, r) => n * r.Count);

    /// <summary>Strategies the run will have.</summary>
    public long StrategyCount => Mode switch
    {
        BacktestFormMode.Pick => Selected.Count,
        BacktestFormMode.Overrides => Base is null ? 0 : 1,
        _ => Base is null ? 0 : Combinations,
    };

    /// <summary>Field errors found before asking the server (keys as the server's).</summary>
    public Dictionary<string, string> Validate(long maxCombinations)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (StrategyCount == 0)
        {
            errors["strategies"] = UiText.L["Backtest.Error.NoStrategies"];
        }

        if (Mode == BacktestFormMode.Grid)
        {
            foreach (var (key, range) in Grid.Where(g => g.Value.Enabled && g.Value.Count == 0))
            {
                errors["grid." + key] = UiText.L["Backtest.Error.BadRange"];
            }

            if (Combinations > maxCombinations)
            {
                errors["grid"] = UiText.L["Backtest.Error.GridCap", Combinations.ToString("#,0", CultureInfo.InvariantCulture), maxCombinations.ToString("#,0", CultureInfo.InvariantCulture)];
            }
        }

        if (Symbols.Count == 0)
        {
            errors["symbols"] = UiText.L["Backtest.Error.NoSymbols"];
        }

        if (string.IsNullOrWhiteSpace(Dataset))
        {
            errors["dataset"] = UiText.L["Backtest.Error.NoDataset"];
        }

        if (From is null)
        {
            errors["from"] = UiText.L["Backtest.Error.DateFormat"];
        }

        if (To is null)
        {
            errors["to"] = UiText.L["Backtest.Error.DateFormat"];
        }
        else if (From is { } f && To <= f)
        {
            errors["to"] = UiText.L["Backtest.Error.ToAfterFrom"];
        }

        return errors;
    }

    /// <summary>The spec as JSON (snake_case, times ISO-8601 UTC, invariant numbers).</summary>
    public JsonElement ToSpec()
    {
        var spec = new JsonObject
        {
            ["dataset"] = Dataset,
            ["from"] = Iso(From),
            ["to"] = Iso(To),
            ["symbols"] = new JsonArray([.. Symbols.Select(s => (JsonNode)JsonValue.Create(s)!)]),
            ["warmup_hours"] = WarmupHours,
            ["fee"] = Fee,
            ["risk"] = Risk,
            ["max_positions"] = MaxPositions,
            ["be_buffer"] = BeBuffer,
            ["replay_commands"] = ReplayCommands,
        };
        switch (Mode)
        {
            case BacktestFormMode.Pick:
                spec["strategies"] = new JsonArray([.. Selected.Order().Select(id => (JsonNode)JsonValue.Create(id.ToString("D"))!)]);
                break;
            case BacktestFormMode.Overrides when Base is not null:
                spec["params"] = new JsonArray(Row(Base, Overrides));
                break;
            case BacktestFormMode.Grid when Base is not null:
                spec["grid"] = GridSpec(Base);
                if (WalkForward)
                {
                    spec["train_days"] = TrainDays;
                    spec["test_days"] = TestDays;
                    spec["step_days"] = StepDays;
                }

                break;
        }

        return JsonSerializer.SerializeToElement(spec);
    }

    /// <summary>A strategy row (engine.md §3 names) with <paramref name="overrides"/> applied.</summary>
    public static JsonObject Row(StrategyDefinition strategy, IReadOnlyDictionary<string, double> overrides)
    {
        var row = JsonSerializer.SerializeToNode(StrategyDto.From(strategy), BacktestStore.Json)!.AsObject();
        row["options"] = JsonNode.Parse(StrategyJson.SerializeOptions(strategy.Options));
        foreach (var f in Tunables)
        {
            if (overrides.TryGetValue(f.Key, out var v))
            {
                row[f.Key] = f.Integer ? JsonValue.Create((int)Math.Round(v)) : JsonValue.Create(v);
            }
        }

        return row;
    }

    private JsonObject GridSpec(StrategyDefinition strategy)
    {
        var ranges = new JsonObject();
        foreach (var (key, range) in Grid.Where(g => g.Value.Enabled))
        {
            ranges[key] = new JsonObject { ["min"] = range.From, ["max"] = range.To, ["step"] = range.Step };
        }

        return new JsonObject { ["base"] = strategy.StrategyId.ToString("D"), ["ranges"] = ranges };
    }

    /// <summary>
    /// The server's errors as the form shows them: the one ad-hoc row's field errors (<c>rows[0].tp1_ratio</c>) beside
    /// the override inputs, the rest unchanged.
    /// </summary>
    public Dictionary<string, string> FormErrors(IReadOnlyDictionary<string, string[]> errors) =>
        errors.ToDictionary(e => Mode == BacktestFormMode.Overrides && e.Key.StartsWith("rows[0].", StringComparison.Ordinal) ? e.Key["rows[0].".Length..] : e.Key,
            e => string.Join(" ", e.Value), StringComparer.Ordinal);

    private static string? Iso(DateTime? value) =>
        value is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : null;
}
