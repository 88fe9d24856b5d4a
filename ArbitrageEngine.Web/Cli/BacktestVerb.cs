using System.Globalization;
using System.Text.Json;
using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Persistence.Engine;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Engine.Persistence.Strategies;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ArbitrageEngine.Web.Cli;

/// <summary>
/// <c>backtest [options]</c> (spec/cli.md, backtest.md §6): plans the run with <see cref="BacktestPlanner"/> (per-field
/// errors on one stderr line, nothing run), replays the stored dataset through <see cref="BacktestRunner"/>, draws
/// progress on stderr, prints <c>strategies=… trades=… evaluations=… days=… seconds=… days_per_s=…</c> and writes the
/// <c>--out</c> trades file (<see cref="BacktestTradesJson"/>). Ctrl-C stops the run: the partial result is written and
/// the exit code is 1. <c>--save</c> stores the run like the page's (<paramref name="save"/>: <see cref="ArbitrageEngine.Web.Backtests.BacktestCliSave"/>
/// unless a test replaces it).
/// </summary>
public sealed class BacktestVerb(
    Func<CancellationToken, Task<CliDatabase>>? open = null,
    TextWriter? output = null,
    TextWriter? errors = null,
    Func<CliDatabase, BacktestSpec, BacktestRequest, BacktestResult, CancellationToken, Task<string>>? save = null) : ICliVerb
{
    private TextWriter Out => output ?? Console.Out;

    private TextWriter Err => errors ?? Console.Error;

    public string Name => "backtest";

    public string Help =>
        "backtest --from <ISO-8601 UTC> --to <ISO-8601 UTC> [--dataset NAME] [--symbols A,B] [--strategies all|running|ID,ID…]\n" +
        "         [--params rows.json] [--grid grid.json] [--warmup-hours 24] [--fee F] [--risk R] [--max-positions N]\n" +
        "         [--be-buffer ATR] [--replay-commands] [--save] [--out trades.jsonl]\n" +
        "  Replays the stored DATASET (default: the configured market source's) through the engine loop with its own paper\n" +
        "  broker: warm-up hours before --from without trading, then event-time ticks until --to. Strategies: saved ones\n" +
        "  (all = not deprecated), ad-hoc rows (JSON array of engine.md §3 rows) and/or a grid\n" +
        "  ({\"base\": ID|row, \"ranges\": {\"entry_score\": {\"min\":70,\"max\":90,\"step\":5}, \"cvd_fast_window\": [\"5m\",\"15m\"]}}),\n" +
        "  capped at Backtest:MaxCombinations. Every strategy runs as running from its initial balance.\n" +
        "  --replay-commands replays the recorded sessions, ticks and engine commands of the period (parity with live).\n" +
        "  Progress on stderr; 'strategies=… trades=… evaluations=… days=… seconds=… days_per_s=…' on stdout.\n" +
        "  --out: JSON Lines, one paper trade opened in the range per line, sorted by entry_ts then strategy_id, keys\n" +
        "  strategy_id, symbol, direction (LONG|SHORT), entry_ts, entry_price, exit_ts, exit_price, status, tp1_hit, pnl_r,\n" +
        "  pnl_usdt; times in Unix ms; exit_*/pnl_* null while open (status active|tp1_hit). Exit 2 on bad input, 1 if interrupted.";

    public async Task<int> RunAsync(CliArguments args)
    {
        var input = BacktestCli.ReadInput(args);
        using var interrupt = new BacktestCli.CtrlC();
        try
        {
            await using var database = await (open ?? CliDatabase.OpenAsync)(CancellationToken.None);
            await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
            var (context, spec, plan) = await BacktestCli.PlanAsync(database, dataSource, input.Spec);
            var request = plan.Request!;
            var runner = BacktestCli.Runner(context, dataSource, request);
            var progress = new CliProgress(Err);
            var result = await runner.RunAsync(request, progress, interrupt.Token);
            progress.Done();

            if (input.OutFile is { } file)
            {
                await BacktestCli.WriteTradesAsync(result, file);
            }

            if (args.Has("save"))
            {
                var id = await (save ?? ArbitrageEngine.Web.Backtests.BacktestCliSave.SaveAsync)(database, spec, request, result, CancellationToken.None);
                await Err.WriteLineAsync($"saved run {id}");
            }

            await Out.WriteLineAsync(BacktestCli.Summary(request, result));
            if (result.Cancelled)
            {
                await Err.WriteLineAsync("interrupted: the figures and --out cover the part that ran");
                return 1;
            }

            return 0;
        }
        catch (ReplayRangeException ex)
        {
            throw new CliException(ex.Message);
        }
        catch (NpgsqlException ex)
        {
            throw new CliException($"database error: {ex.Message}");
        }
    }
}

/// <summary>What both <c>backtest</c> and <c>walkforward</c> read from the command line, the database and configuration.</summary>
internal static class BacktestCli
{
    public sealed record Input(BacktestSpec Spec, string? OutFile);

    /// <summary>Catalog, engine settings, the grid cap, and the dataset to use (--dataset or the configured source's).</summary>
    public sealed record Context(BacktestCatalog Catalog, EngineSettings Engine, int MaxCombinations, string DatasetName);

    public static Input ReadInput(CliArguments args)
    {
        var spec = new BacktestSpec
        {
            Dataset = args.Optional("dataset")?.Trim(),
            From = Time(args.Required("from"), "from"),
            To = Time(args.Required("to"), "to"),
            Symbols = args.Optional("symbols") is { } symbols ? symbols.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [],
            Strategies = args.Optional("strategies"),
            Rows = args.Optional("params") is { } rows ? Json(rows, "params", BacktestSpecJson.ParseRows) : [],
            Grid = args.Optional("grid") is { } grid ? Json(grid, "grid", BacktestSpecJson.ParseGrid) : null,
            WarmupHours = Number(args, "warmup-hours") ?? 24,
            Fee = Number(args, "fee"),
            Risk = Number(args, "risk"),
            MaxPositions = Number(args, "max-positions") is { } max ? (max == Math.Floor(max) && max is >= 0 and <= int.MaxValue ? (int)max : throw new CliException("--max-positions must be a whole number")) : null,
            BeBuffer = Number(args, "be-buffer"),
            ReplayCommands = args.Has("replay-commands"),
        };
        foreach (var flag in new[] { "params", "grid", "out", "strategies", "symbols", "dataset" })
        {
            if (args.Has(flag) && string.IsNullOrWhiteSpace(args.Optional(flag)))
            {
                throw new CliException($"missing --{flag} <value>");
            }
        }

        return new Input(spec, args.Optional("out"));
    }

    /// <summary>Loads the catalog and plans the spec; invalid input ends the verb with the per-field errors.</summary>
    public static async Task<(Context Context, BacktestSpec Spec, BacktestPlan Plan)> PlanAsync(CliDatabase database, NpgsqlDataSource dataSource, BacktestSpec input)
    {
        var context = await LoadAsync(database, dataSource, input, CancellationToken.None);
        var spec = input with { Dataset = context.DatasetName };
        var plan = BacktestPlanner.Plan(spec, context.Catalog, context.MaxCombinations);
        return plan.IsValid ? (context, spec, plan) : throw new CliException(Describe(plan.Errors));
    }

    /// <summary>Ctrl-C cancels the run (the partial result is still reported) instead of killing the process.</summary>
    public sealed class CtrlC : IDisposable
    {
        private readonly CancellationTokenSource _cts = new();

        public CtrlC() => Console.CancelKeyPress += OnCancel;

        public CancellationToken Token => _cts.Token;

        public void Dispose()
        {
            Console.CancelKeyPress -= OnCancel;
            _cts.Dispose();
        }

        private void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            e.Cancel = true;
            _cts.Cancel();
        }
    }

    public static async Task<Context> LoadAsync(CliDatabase database, NpgsqlDataSource dataSource, BacktestSpec spec, CancellationToken ct)
    {
        var market = DatasetsVerb.MarketOptionsOf(database);
        var paper = database.Configuration.GetSection(PaperOptions.SectionName).Get<PaperOptions>() ?? new PaperOptions();
        var backtest = database.Configuration.GetSection(BacktestOptions.SectionName).Get<BacktestOptions>() ?? new BacktestOptions();
        var datasets = new DatasetCatalog(dataSource);
        var configured = await MarketDatabase.ClaimConfiguredAsync(datasets, market, ct);

        // Only the named dataset's ranges are read (counting scans its trades).
        var name = string.IsNullOrWhiteSpace(spec.Dataset) ? configured.Name : spec.Dataset;
        var entries = new List<DatasetCatalogEntry>();
        foreach (var d in await datasets.ListAsync(ct))
        {
            entries.Add(new DatasetCatalogEntry(d, d.Name == name ? await datasets.RangesAsync(d.Id, ct) : []));
        }

        var builder = new DbContextOptionsBuilder<ArbitrageDbContext>();
        ArbitrageDbContext.Configure(builder, database.ConnectionString);
        await using var db = new ArbitrageDbContext(builder.Options);
        var rows = await db.Strategies.AsNoTracking().OrderBy(s => s.CreatedAt).ThenBy(s => s.StrategyId).ToListAsync(ct);

        var engine = MarketPipelineService.EngineSettingsFrom(market);
        if (engine.Symbols.Count == 0)
        {
            engine = engine with { Symbols = MarketOptions.DefaultSymbols };
        }

        var catalog = new BacktestCatalog([.. rows.Select(StrategyRowMapper.ToDefinition)], entries, [.. engine.Symbols], MarketPipelineService.PaperSettingsFrom(paper));
        return new Context(catalog, engine, backtest.MaxCombinations, name);
    }

    public static BacktestRunner Runner(Context context, NpgsqlDataSource dataSource, BacktestRequest request)
    {
        var dataset = request.Dataset;
        var parity = request.ReplayRecordedCommands
            ? new ParitySources(new EngineJournal(dataSource, dataset.Id), new AggTradeStore(dataSource, dataset.Id), new FeatureHistoryStore(dataSource, dataset.Id))
            : null;
        return new BacktestRunner(context.Engine, StoredMarketEvents.For(dataSource, dataset), parity);
    }

    public static async Task WriteTradesAsync(BacktestResult result, string file)
    {
        try
        {
            await using var stream = File.Create(file);
            await using var buffered = new BufferedStream(stream, 1 << 16);
            await BacktestTradesJson.WriteAsync(result.Trades, buffered);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot write '{file}': {ex.Message}");
        }
    }

    public static string Summary(BacktestRequest request, BacktestResult result)
    {
        var days = (request.ToMs - request.FromMs) / 86_400_000.0;
        return string.Create(CultureInfo.InvariantCulture,
            $"strategies={result.Strategies.Count} trades={result.Trades.Count} evaluations={result.Evaluations} days={days:0.###} seconds={result.Seconds:0.00} days_per_s={(result.Seconds > 0 ? days / result.Seconds : 0):0.##}");
    }

    /// <summary>Per-field errors on one line: "from: …; strategies: …".</summary>
    public static string Describe(IReadOnlyDictionary<string, string[]> errors) =>
        string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")) + " (nothing run)";

    private static DateTimeOffset Time(string text, string name) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw new CliException($"--{name} '{text}' is not an ISO-8601 UTC time, e.g. 2026-11-30T08:00:00Z");

    private static double? Number(CliArguments args, string name)
    {
        if (!args.Has(name))
        {
            return null;
        }

        var text = args.Optional(name);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new CliException($"--{name} '{text}' is not a number");
    }

    private static T Json<T>(string file, string name, Func<JsonElement, T> parse)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            return parse(doc.RootElement);
        }
        catch (FileNotFoundException)
        {
            throw new CliException($"cannot read '{file}': no such file");
        }
        catch (DirectoryNotFoundException)
        {
            throw new CliException($"cannot read '{file}': no such file");
        }
        catch (JsonException ex)
        {
            throw new CliException($"--{name} {file}: bad JSON: {ex.Message}");
        }
        catch (BacktestSpecFormatException ex)
        {
            throw new CliException($"--{name} {file}: {ex.Message}");
        }
    }
}

/// <summary>A one-line progress bar on stderr (redrawn in place), from the runner's progress reports.</summary>
internal sealed class CliProgress(TextWriter err) : IProgress<BacktestProgress>
{
    private bool _drawn;

    public void Report(BacktestProgress p)
    {
        const int Width = 30;
        var filled = (int)Math.Clamp(p.Percent / 100 * Width, 0, Width);
        var eta = p.Eta is { } e ? $" ETA {e:hh\\:mm\\:ss}" : "";
        err.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r[{new string('#', filled)}{new string(' ', Width - filled)}] {p.Percent,5:0.0}%  {DateTimeOffset.FromUnixTimeMilliseconds(p.SimulatedMs):yyyy-MM-dd HH:mm}Z  {p.TradesPerSecond / 1e6:0.00} M events/s{eta}   "));
        _drawn = true;
    }

    public void Done()
    {
        if (_drawn)
        {
            err.WriteLine();
        }
    }
}
