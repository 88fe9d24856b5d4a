using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ArbitrageEngine.Engine.Evolve;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Evolve;
using ArbitrageEngine.Web.Persistence.Entities;
using ArbitrageEngine.Web.Strategies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Evolve;

/// <summary>
/// Auto-evolve end to end on the real app and PostgreSQL: a recorded simulated dataset (3 h: 0.5 h warm-up, 1.5 h train,
/// 1 h test), running strategies with closed trades and evaluations, the engine's backtest runner.
/// </summary>
public sealed class EvolveRunTests(PostgresFixture postgres) : AppTest(postgres)
{
    private NpgsqlDataSource _data = null!;

    protected override IReadOnlyDictionary<string, string>? Settings => Config();

    internal static Dictionary<string, string> Config() => new()
    {
        ["Market:SeedFactoryStrategies"] = "false",
        ["Market:WarmupHours"] = "0.5",
        ["Evolve:Enabled"] = "false",
        ["Evolve:Dataset"] = EvolveScenario.Dataset,
        ["Evolve:TrainDays"] = (1.5 / 24).ToString("R", CultureInfo.InvariantCulture),
        ["Evolve:TestDays"] = (1.0 / 24).ToString("R", CultureInfo.InvariantCulture),
        ["Evolve:WarmupHours"] = "0.5",
        ["Evolve:MinClosedTrades"] = "0",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _data = NpgsqlDataSource.Create(App.ConnectionString);
    }

    public override async Task DisposeAsync()
    {
        await _data.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>Two running BTC strategies with trades and evaluations, 3 h of recorded market; returns them (best first).</summary>
    internal static async Task<StrategyDefinition[]> SeedAsync(TestApp app, NpgsqlDataSource data, double hours = 3)
    {
        // The recorded market ends on the last 8-hour funding boundary: the seeded path is relative to its start, but
        // funding settlements fall on absolute 8-hour times, so only this anchor gives the same market (and the same
        // proven candidate) whenever the test runs. Trades and evaluations stay relative to now (lookback, regime).
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await EvolveScenario.StoreSimulatedAsync(data, ["BTCUSDT"], now / 28_800_000 * 28_800_000, hours);
        var strategies = new List<StrategyDefinition>();
        await using (var scope = app.CreateScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<StrategyService>();
            foreach (var (name, entry) in new[] { ("btc-parent", 65), ("btc-weaker", 70) })
            {
                var result = await service.CreateAsync(StrategyDefinition.CreateDefault("BTCUSDT", name) with { EntryScore = entry, FlipThreshold = 80 }, AuditActor.System);
                Assert.True(result.Succeeded, string.Join(" ", result.Status.Errors.Values));
                strategies.Add(result.Value!);
            }
        }

        await EvolveScenario.InsertClosedTradesAsync(data, strategies[0], [1.5, -1, 2, 0.5], now - 3_600_000);
        await EvolveScenario.InsertClosedTradesAsync(data, strategies[1], [-1, -1, 0.2], now - 3_600_000);
        await EvolveScenario.InsertEvaluationsAsync(data, strategies, now, 120, atrPct: 50, slope: 40, signalEvery: 10);
        return [.. strategies];
    }

    private EvolveRunner Runner => App.Services.GetRequiredService<EvolveRunner>();

    private static EvolveRequest Request(EvolveMode mode, bool force = false) => new(mode, force, "manual", new AuditActor(TestApp.AdminUserName, null, "127.0.0.1", "cookie"));

    private async Task<int> CountAsync(string sql)
    {
        await using var cmd = _data.CreateCommand(sql);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task RunAsync_DryRunApplyRepeatForced_ReportCreatesProvenRefusesThenForces()
    {
        var seeded = await SeedAsync(App, _data);

        // Dry-run: a full report, nothing created.
        var (dry, refusedDry) = await Runner.RunAsync(Request(EvolveMode.DryRun), CancellationToken.None);
        Assert.Null(refusedDry);
        Assert.Equal("succeeded", dry!.Status);
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM strategies"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM audit_log WHERE action = 'strategy.create' AND after::text LIKE '%evolve run%'"));
        var store = App.Services.GetRequiredService<EvolveStore>();
        var report = EvolveReport.FromJson(await store.ReportAsync(dry.RunId, "json", CancellationToken.None))!;
        Assert.Contains("# Auto-evolve run", await store.ReportAsync(dry.RunId, "md", CancellationToken.None), StringComparison.Ordinal);
        var btc = report.Symbols.Single(s => s.Symbol == "BTCUSDT");
        Assert.Equal("trend", btc.Regime);
        Assert.Equal(seeded[0].StrategyId, btc.Parent!.StrategyId);
        Assert.Equal(144, btc.Generated);
        Assert.NotEmpty(btc.Candidates);
        Assert.All(btc.Candidates, c => Assert.True(c.Chosen || c.Refusal is not null));
        Assert.Equal("skipped: no running strategy", report.Symbols.Single(s => s.Symbol == "ETHUSDT").Note);
        Assert.NotNull(report.Sweep);
        Assert.Equal(btc.Candidates.Count + 1, report.Sweep!.Strategies);

        // Apply: at most one per symbol, only a candidate that beat the minimum; audited with the run id; badge link resolves.
        var (applied, refusedApply) = await Runner.RunAsync(Request(EvolveMode.Apply), CancellationToken.None);
        Assert.Null(refusedApply);
        Assert.Equal("succeeded", applied!.Status);
        var applyReport = EvolveReport.FromJson(await store.ReportAsync(applied.RunId, "json", CancellationToken.None))!;
        var applyBtc = applyReport.Symbols.Single(s => s.Symbol == "BTCUSDT");
        Assert.True(applyReport.Created.Count <= 1);
        Assert.Equal(applyReport.Created.Count, applied.Created);
        Assert.Equal(2 + applied.Created, await CountAsync("SELECT count(*) FROM strategies WHERE status = 'running'"));
        var chosen = applyBtc.Candidates.Where(c => c.Chosen).ToList();
        Assert.Equal(applyReport.Created.Count, chosen.Count);
        foreach (var c in chosen)
        {
            Assert.True(c.OutOfSample.Fitness > 0 && c.OutOfSample.Fitness > applyBtc.ParentTest!.Fitness);
        }

        Assert.True(applyReport.Created.Count == 1, "the scenario is meant to prove one candidate: " + applyBtc.Decision + " parent IS/OOS " + applyBtc.ParentTrain + applyBtc.ParentTest + "\n"
            + string.Join("\n", applyBtc.Candidates.OrderBy(c => c.IsRank).Take(12).Select(c => $"{c.IsRank} {c.Fast}/{c.Slow} {c.Profile} e{c.EntryScore} t{c.Timeout} IS {c.InSample} OOS {c.OutOfSample}")));
        var created = applyReport.Created[0];
        await using (var db = App.CreateDbContext())
        {
            var row = await db.Strategies.AsNoTracking().SingleAsync(s => s.StrategyId == created.StrategyId);
            Assert.StartsWith("evo-BTC_CVD", row.DisplayName, StringComparison.Ordinal);
            Assert.Contains(EvolveNaming.AutoTag, row.Tags);
            Assert.Contains("source:" + EvolveNaming.IdPrefix(seeded[0].StrategyId), row.Tags);
            Assert.Equal("running", row.Status);
            var audit = await db.AuditLog.AsNoTracking().SingleAsync(a => a.Action == "strategy.create" && a.TargetId == created.StrategyId.ToString());
            Assert.Contains($"evolve run {applied.RunId}", audit.After, StringComparison.Ordinal);
        }

        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM engine_commands WHERE strategy_id = '{created.StrategyId}'"));
        Assert.Equal(applied.RunId, (await store.CreatingRunsAsync([created.StrategyId], CancellationToken.None))[created.StrategyId]);

        // A second apply the same date is refused with the existing run's id; a forced one runs.
        var (again, refused) = await Runner.RunAsync(Request(EvolveMode.Apply), CancellationToken.None);
        Assert.Null(again);
        Assert.Equal(applied.RunId, refused!.ExistingRunId);
        var (forced, refusedForced) = await Runner.RunAsync(Request(EvolveMode.Apply, force: true), CancellationToken.None);
        Assert.Null(refusedForced);
        Assert.Equal("succeeded", forced!.Status);
        Assert.True(forced.Forced);
    }

    [Fact]
    public async Task RunAsync_CrashMidApply_NothingCreatedRunFailedDateStillFree()
    {
        await SeedAsync(App, _data);
        Runner.ApplyFault = () => throw new InvalidOperationException("simulated crash");
        try
        {
            var (run, _) = await Runner.RunAsync(Request(EvolveMode.Apply), CancellationToken.None);
            Assert.Equal("failed", run!.Status);
            Assert.Contains("simulated crash", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            Runner.ApplyFault = null;
        }

        Assert.Equal(2, await CountAsync("SELECT count(*) FROM strategies"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM audit_log WHERE action IN ('strategy.create', 'evolve.apply') AND after::text LIKE '%evolve run%'"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM engine_commands WHERE actor <> 'system'"));

        // A failed apply does not use up the date.
        var (retry, refusal) = await Runner.RunAsync(Request(EvolveMode.Apply), CancellationToken.None);
        Assert.Null(refusal);
        Assert.Equal("succeeded", retry!.Status);
    }

    [Fact]
    public async Task RunAsync_DatasetShorterThanTrainPlusTest_ReportSaysSoNothingCreated()
    {
        await SeedAsync(App, _data, hours: 0.5);
        var (run, _) = await Runner.RunAsync(Request(EvolveMode.Apply), CancellationToken.None);
        Assert.Equal("succeeded", run!.Status);
        Assert.Equal(0, run.Created);
        var report = EvolveReport.FromJson(await App.Services.GetRequiredService<EvolveStore>().ReportAsync(run.RunId, "json", CancellationToken.None))!;
        Assert.StartsWith("not enough recorded data", report.Symbols.Single(s => s.Symbol == "BTCUSDT").Note, StringComparison.Ordinal);
        Assert.Null(report.Sweep);
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM strategies"));
    }

    [Fact]
    public async Task PostRuns_ApplyByNonAdmin_Forbidden_DryRunAccepted()
    {
        string token;
        await using (var scope = App.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = new AppUser { UserName = "trader" };
            Assert.True((await users.CreateAsync(user, "trader-pass-123456")).Succeeded);
            await users.AddToRoleAsync(user, Roles.User);
            var result = await scope.ServiceProvider.GetRequiredService<ApiTokenService>().CreateAsync(user.Id, "tests", new AuditActor("trader", user.Id, null));
            token = result.Value!;
        }

        using var client = App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/evolve/runs", new { mode = "apply" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/evolve/runs", new { mode = "sideways" })).StatusCode);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM evolve_runs"));

        var accepted = await client.PostAsJsonAsync("/api/evolve/runs", new { mode = "dry_run" });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var runId = (await accepted.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("run_id").GetGuid();
        await SimulatedApp.Until(async () => await CountAsync($"SELECT count(*) FROM evolve_runs WHERE run_id = '{runId}' AND status <> 'running'") == 1, "the dry-run to finish");
        var md = await client.GetAsync($"/api/evolve/runs/{runId}/report.md");
        Assert.Equal(HttpStatusCode.OK, md.StatusCode);
        Assert.Contains("# Auto-evolve run", await md.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/evolve/runs/{runId}/report.txt")).StatusCode);
    }
}
