using System.Globalization;
using System.Text.Json;
using ArbitrageEngine.Engine.Conformance;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Tests.Integration.Backtest;
using ArbitrageEngine.Web.Cli;
using Microsoft.Extensions.Configuration;
using Npgsql;
using static ArbitrageEngine.Tests.Engine.TestData;

namespace ArbitrageEngine.Tests.Cli;

/// <summary>The backtest and walkforward verbs over the public golden stream imported as a dataset (real PostgreSQL).</summary>
[Collection(PostgresCollection.Name)]
public sealed class BacktestVerbTests(PostgresFixture postgres) : IAsyncLifetime
{
    // The golden stream's config: start_ms / end_ms, warm-up 1 h (golden/README.md).
    private const string From = "2026-09-21T14:13:20Z"; // 1790000000000
    private const string To = "2026-09-21T20:13:20Z"; // 1790021600000

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"bt-cli-{Guid.NewGuid():N}");
    private string _connectionString = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _connectionString = await postgres.CreateMigratedDatabaseAsync("btcli");
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await GoldenDataset.ImportAsync(dataSource, "golden-6h");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private Task<CliDatabase> Open(CancellationToken _) => Task.FromResult(new CliDatabase
    {
        ConnectionString = _connectionString,
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Market:Source"] = "Simulated",
            ["Market:Simulated:Seed"] = "77",
            ["Market:WarmupHours"] = "1",
        }).Build(),
    });

    private async Task<(int Code, string Out, string Err)> Run(ICliVerb verb, params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var errors = new StringWriter(CultureInfo.InvariantCulture);
        var v = verb switch
        {
            BacktestVerb => (ICliVerb)new BacktestVerb(Open, output, errors),
            _ => new WalkForwardVerb(Open, output, errors),
        };
        var code = await v.RunAsync(CliArguments.Parse(args));
        return (code, output.ToString(), errors.ToString());
    }

    private Task<(int Code, string Out, string Err)> Backtest(params string[] args) => Run(new BacktestVerb(), args);

    /// <summary>The golden stream's strategy rows, as a --params file.</summary>
    private string GoldenParams()
    {
        var file = Path.Combine(_dir, "golden-strategies.json");
        using var reader = GoldenStream.OpenText(GoldenPath("public-6h.jsonl.gz"));
        var rows = new List<string>();
        while (reader.ReadLine() is { } line && rows.Count < 100)
        {
            if (line.Contains("\"type\": \"strategy\"", StringComparison.Ordinal))
            {
                rows.Add(line);
            }
        }

        File.WriteAllText(file, "[" + string.Join(",\n", rows) + "]");
        return file;
    }

    private string WriteFile(string name, string text)
    {
        var file = Path.Combine(_dir, name);
        File.WriteAllText(file, text);
        return file;
    }

    /// <summary>Trades from the conformance verb's output: each strategy's k-th expect_open with its k-th expect_close.</summary>
    private static List<string> ConformanceTrades(string file)
    {
        var opens = new List<JsonElement>();
        var closes = new Dictionary<string, Queue<JsonElement>>();
        foreach (var line in File.ReadLines(file))
        {
            var e = JsonDocument.Parse(line).RootElement;
            switch (e.GetProperty("type").GetString())
            {
                case "expect_open":
                    opens.Add(e);
                    break;
                case "expect_close":
                    var id = e.GetProperty("strategy_id").GetString()!;
                    if (!closes.TryGetValue(id, out var q))
                    {
                        closes[id] = q = new Queue<JsonElement>();
                    }

                    q.Enqueue(e);
                    break;
            }
        }

        // Pair opens and closes per strategy in order (one position per strategy at a time).
        var pending = opens.GroupBy(o => o.GetProperty("strategy_id").GetString()!).ToDictionary(g => g.Key, g => new Queue<JsonElement>(g));
        var trades = new List<(long Entry, string Id, string Key)>();
        foreach (var (id, queue) in pending)
        {
            var closeQueue = closes.GetValueOrDefault(id) ?? new Queue<JsonElement>();
            while (queue.TryDequeue(out var o))
            {
                var entry = o.GetProperty("time_ms").GetInt64();
                var head = FormattableString.Invariant($"{id} {o.GetProperty("direction").GetString()} {entry} {o.GetProperty("entry").GetDouble():R}");
                trades.Add(closeQueue.TryDequeue(out var c)
                    ? (entry, id, FormattableString.Invariant($"{head} {c.GetProperty("time_ms").GetInt64()} {c.GetProperty("exit_price").GetDouble():R} {c.GetProperty("status").GetString()} {c.GetProperty("pnl_r").GetDouble():R} {c.GetProperty("pnl_usdt").GetDouble():R}"))
                    : (entry, id, head + " open"));
            }
        }

        return [.. trades.OrderBy(t => t.Entry).ThenBy(t => t.Id, StringComparer.Ordinal).Select(t => t.Key)];
    }

    private static List<string> BacktestTrades(string file) =>
    [
        .. File.ReadLines(file).Select(line =>
        {
            var e = JsonDocument.Parse(line).RootElement;
            var head = FormattableString.Invariant($"{e.GetProperty("strategy_id").GetString()} {e.GetProperty("direction").GetString()} {e.GetProperty("entry_ts").GetInt64()} {e.GetProperty("entry_price").GetDouble():R}");
            return e.GetProperty("exit_ts").ValueKind == JsonValueKind.Null
                ? head + " open"
                : FormattableString.Invariant($"{head} {e.GetProperty("exit_ts").GetInt64()} {e.GetProperty("exit_price").GetDouble():R} {e.GetProperty("status").GetString()} {e.GetProperty("pnl_r").GetDouble():R} {e.GetProperty("pnl_usdt").GetDouble():R}");
        }),
    ];

    [Fact]
    public async Task Backtest_GoldenStreamAsDataset_SameTradesAsConformanceVerb()
    {
        var conformanceOut = Path.Combine(_dir, "conformance.jsonl");
        Assert.Equal(0, await new ConformanceVerb().RunAsync(CliArguments.Parse(["--in", GoldenPath("public-6h.jsonl.gz"), "--out", conformanceOut])));
        var tradesOut = Path.Combine(_dir, "trades.jsonl");

        var (code, stdout, stderr) = await Backtest(
            "--dataset", "golden-6h", "--from", From, "--to", To, "--warmup-hours", "0", "--params", GoldenParams(),
            "--fee", "0.0005", "--risk", "0.02", "--max-positions", "100", "--be-buffer", "0", "--out", tradesOut);

        Assert.True(code == 0, stderr);
        var expected = ConformanceTrades(conformanceOut);
        Assert.True(expected.Count > 10, $"{expected.Count} trades");
        Assert.Equal(expected, BacktestTrades(tradesOut));
        Assert.Matches($@"^strategies=10 trades={expected.Count} evaluations=\d+ days=0\.25 seconds=[\d.]+ days_per_s=[\d.]+\s*$", stdout);
    }

    [Fact]
    public async Task Backtest_OutFile_HasExactlyTheKeysInOrderAndNullsForOpenTrades()
    {
        var tradesOut = Path.Combine(_dir, "keys.jsonl");

        var (code, _, stderr) = await Backtest("--dataset", "golden-6h", "--from", From, "--to", "2026-09-21T16:13:20Z", "--warmup-hours", "0", "--params", GoldenParams(), "--out", tradesOut);

        Assert.True(code == 0, stderr);
        var lines = File.ReadAllLines(tradesOut);
        Assert.NotEmpty(lines);
        string[] keys = ["strategy_id", "symbol", "direction", "entry_ts", "entry_price", "exit_ts", "exit_price", "status", "tp1_hit", "pnl_r", "pnl_usdt"];
        var entries = new List<(long, string)>();
        foreach (var line in lines)
        {
            var e = JsonDocument.Parse(line).RootElement;
            Assert.Equal(keys, e.EnumerateObject().Select(p => p.Name));
            Assert.Contains(e.GetProperty("direction").GetString(), new[] { "LONG", "SHORT" });
            var open = e.GetProperty("status").GetString() is "active" or "tp1_hit";
            foreach (var k in new[] { "exit_ts", "exit_price", "pnl_r", "pnl_usdt" })
            {
                Assert.Equal(open, e.GetProperty(k).ValueKind == JsonValueKind.Null);
            }

            entries.Add((e.GetProperty("entry_ts").GetInt64(), e.GetProperty("strategy_id").GetString()!));
        }

        Assert.Equal(entries.OrderBy(x => x.Item1).ThenBy(x => x.Item2, StringComparer.Ordinal), entries);
    }

    [Fact]
    public async Task Backtest_FromNotBeforeTo_RefusedPerField()
    {
        var ex = await Assert.ThrowsAsync<CliException>(() => Backtest("--dataset", "golden-6h", "--from", To, "--to", From, "--params", GoldenParams()));

        Assert.Contains("to: To must be after from.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nothing run", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_RangeWithoutData_SaysWhichRangeExists()
    {
        var ex = await Assert.ThrowsAsync<CliException>(() => Backtest("--dataset", "golden-6h", "--from", "2026-10-01T00:00:00Z", "--to", "2026-10-02T00:00:00Z", "--params", GoldenParams()));

        Assert.Contains("has BTCUSDT only from 2026-09-21T14:13:20", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_UnknownDatasetAndStrategy_BothReported()
    {
        var ex = await Assert.ThrowsAsync<CliException>(() => Backtest("--dataset", "nope", "--from", From, "--to", To, "--strategies", Guid.NewGuid().ToString()));

        Assert.Contains("dataset: Dataset 'nope' does not exist; existing: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("strategies: Unknown strategy", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_InvalidAdHocRow_ErrorPrefixedByRowIndex()
    {
        var rows = WriteFile("bad.json", """[{"display_name": "ok", "symbol": "BTCUSDT"}, {"display_name": "bad", "symbol": "BTCUSDT", "entry_score": 500}]""");

        var ex = await Assert.ThrowsAsync<CliException>(() => Backtest("--dataset", "golden-6h", "--from", From, "--to", To, "--params", rows));

        Assert.Contains("rows[1].entry_score:", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("rows[0]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_GridOverCap_SaysCountAndCap()
    {
        var grid = WriteFile("big.json", """{"base": {"display_name": "b", "symbol": "BTCUSDT"}, "ranges": {"entry_score": {"min": 60, "max": 95, "step": 1}, "sl_atr_multiplier": {"min": 1, "max": 3, "step": 0.01}}}""");

        var ex = await Assert.ThrowsAsync<CliException>(() => Backtest("--dataset", "golden-6h", "--from", From, "--to", To, "--grid", grid));

        Assert.Contains("The grid has 7236 combinations; the cap is 5000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_MalformedTime_Refused()
    {
        var ex = await Assert.ThrowsAsync<CliException>(() => Backtest("--from", "yesterday", "--to", To, "--params", GoldenParams()));

        Assert.Contains("--from 'yesterday' is not an ISO-8601 UTC time", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WalkForward_GoldenGrid_PrintsWindowLinesAndOverallLine()
    {
        var grid = WriteFile("wf.json", """
            {"base": {"display_name": "wf", "symbol": "BTCUSDT", "cvd_fast_window": "5m", "cvd_slow_window": "30m"},
             "ranges": {"entry_score": [65, 70, 75], "tp1_ratio": {"min": 0.5, "max": 1, "step": 0.25}}}
            """);

        var (code, stdout, stderr) = await Run(new WalkForwardVerb(),
            "--grid", grid, "--dataset", "golden-6h", "--from", From, "--to", To, "--warmup-hours", "0",
            "--train-days", "0.125", "--test-days", "0.0625", "--step-days", "0.0625");

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^window=1 train_from=2026-09-21T14:13:20Z train_to=2026-09-21T17:13:20Z test_from=2026-09-21T17:13:20Z test_to=2026-09-21T18:43:20Z chosen=""entry_score=\d+ tp1_ratio=[\d.]+"" is_fitness=-?[\d.]+ oos_fitness=-?[\d.]+ is_net_r=-?[\d.]+ net_r=-?[\d.]+ win_rate=[\d.]+ trades=\d+$", lines[0]);
        Assert.StartsWith("window=2 train_from=2026-09-21T15:43:20Z", lines[1], StringComparison.Ordinal);
        Assert.Matches(@"^windows=2 oos_net_r=-?[\d.]+ is_r_per_day=-?[\d.]+ oos_r_per_day=-?[\d.]+ oos_is_ratio=(-?[\d.]+|-) seconds=[\d.]+$", lines[2]);
    }
}
