using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Tests.Engine.Backtest;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Tests.Integration.Backtest;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Backtests;
using ArbitrageEngine.Web.Components.Backtest;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Persistence.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Backtests;

/// <summary>
/// Saved runs through the real app: the API and the service queue a spec, the worker runs it with the engine's
/// BacktestRunner over the golden stream stored as a dataset, and results land in PostgreSQL; cancel, ownership, bad
/// input and the restart rule.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BacktestPipelineTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestApp _app = null!;
    private NpgsqlDataSource _db = null!;
    private DatasetInfo _dataset = null!;

    public static Dictionary<string, string> Settings() => new()
    {
        ["Backtest:PollSeconds"] = "1",
        ["Backtest:ProgressPersistSeconds"] = "1",
    };

    public async Task InitializeAsync()
    {
        var cs = await postgres.CreateMigratedDatabaseAsync("btpipe");
        _db = NpgsqlDataSource.Create(cs);
        _dataset = await GoldenDataset.ImportAsync(_db, "golden-6h");
        _app = new TestApp(cs, kestrel: false, Settings());
        _ = _app.Services;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The golden strategies as ad-hoc rows over the golden range.</summary>
    private JsonElement GoldenSpec(int strategies = 2, JsonObject? grid = null)
    {
        var spec = new JsonObject
        {
            ["dataset"] = _dataset.Name,
            ["from"] = Iso(GoldenEvents.FromMs),
            ["to"] = Iso(GoldenEvents.ToMs),
            ["warmup_hours"] = 0,
        };
        if (grid is not null)
        {
            spec["grid"] = grid;
        }
        else
        {
            spec["params"] = new JsonArray([.. GoldenEvents.Strategies.Take(strategies).Select(s => (JsonNode)BacktestFormModel.Row(s, new Dictionary<string, double>()))]);
        }

        return JsonSerializer.SerializeToElement(spec);
    }

    private async Task<BacktestUser> UserAsync(string name, bool admin = false)
    {
        await using var scope = _app.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        if (await users.FindByNameAsync(name) is not { } user)
        {
            user = new AppUser { UserName = name };
            Assert.True((await users.CreateAsync(user, "Backtest-pass-123!")).Succeeded);
            await users.AddToRoleAsync(user, admin ? Roles.Admin : Roles.User);
        }

        return new BacktestUser(user.Id, name, admin);
    }

    private async Task<string> TokenAsync(BacktestUser user)
    {
        await using var scope = _app.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<ApiTokenService>().CreateAsync(user.UserId, "bt", new AuditActor(user.UserName, user.UserId, null));
        Assert.True(result.Succeeded);
        return result.Value!;
    }

    private HttpClient Client(string token)
    {
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private BacktestStore Store => new(_db);

    private async Task<BacktestRunRow> UntilFinishedAsync(Guid id, int seconds = 120)
    {
        BacktestRunRow? run = null;
        await SimulatedApp.Until(async () => (run = await Store.FindAsync(id)) is { IsFinished: true }, $"run {id} to finish", seconds);
        return run!;
    }

    private static string Key(StoredBacktestTrade t) => FormattableString.Invariant(
        $"{t.Symbol} {t.Direction} {t.EntryMs} {t.Entry:R} {t.ExitMs} {t.ExitPrice:R} {t.Status} {t.Tp1Hit} {t.PnlR:R} {t.PnlUsdt:R}");

    private static string Key(ArbitrageEngine.Engine.Paper.PositionSnapshot p) => FormattableString.Invariant(
        $"{p.Symbol} {p.Direction.ToString().ToUpperInvariant()} {p.EntryTimeMs} {p.Entry:R} {p.ExitTimeMs} {p.ExitPrice:R} {ArbitrageEngine.Engine.Paper.PositionStatusNames.Name(p.Status)} {p.Tp1Hit} {p.PnlR:R} {p.PnlUsdt:R}");

    [Fact]
    public async Task Submit_GoldenStrategies_WorkerStoresWhatTheRunnerProduces()
    {
        var user = await UserAsync("owner1");
        var spec = GoldenSpec();

        var submitted = await _app.Services.GetRequiredService<BacktestService>().SubmitAsync(user, BacktestRunKinds.Backtest, spec);
        Assert.True(submitted.Succeeded, string.Join("; ", submitted.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        var run = await UntilFinishedAsync(submitted.RunId!.Value);

        Assert.Equal(BacktestRunStatuses.Succeeded, run.Status);
        Assert.Equal(100, run.ProgressPct);
        Assert.True(run.TradesReplayed > 0);
        var resolved = await _app.Services.GetRequiredService<BacktestSpecResolver>().ResolveAsync(spec, CancellationToken.None);
        var runner = new BacktestRunner(MarketPipelineService.EngineSettingsFrom(_app.Services.GetRequiredService<IOptions<MarketOptions>>().Value), StoredMarketEvents.For(_db, _dataset));
        var direct = await runner.RunAsync(resolved.Request!, null, CancellationToken.None);
        var stored = new List<StoredBacktestTrade>();
        await foreach (var t in Store.AllTradesAsync(run.RunId, null))
        {
            stored.Add(t);
        }

        Assert.NotEmpty(stored);
        Assert.Equal(direct.Trades.Select(t => Key(t.Position)).Order(StringComparer.Ordinal), stored.Select(Key).Order(StringComparer.Ordinal));
        var strategies = await Store.StrategiesAsync(run.RunId);
        Assert.Equal(2, strategies.Count);
        Assert.Equal(direct.Strategies.Select(s => s.Statistics.NetR), strategies.Select(s => s.NetR));
        Assert.Equal(direct.Evaluations, run.Evaluations);
    }

    [Fact]
    public async Task Cancel_RunningGrid_KeepsPartialResultsMarkedCancelled()
    {
        var user = await UserAsync("canceller");
        var notifier = _app.Services.GetRequiredService<BacktestNotifier>();
        var progressed = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim(false);
        using var subscription = notifier.Subscribe(u =>
        {
            // Progress is published on the run's own thread: holding it here keeps the run mid-way (however fast the
            // machine) until the cancel has been requested and picked up.
            if (u.Progress is { Percent: > 0 and < 100 } && progressed.TrySetResult(u.RunId))
            {
                release.Wait(TimeSpan.FromSeconds(60));
            }

            return Task.CompletedTask;
        });
        var grid = new JsonObject
        {
            ["base"] = BacktestFormModel.Row(GoldenEvents.Strategies[0], new Dictionary<string, double>()),
            ["ranges"] = new JsonObject
            {
                ["entry_score"] = new JsonObject { ["min"] = 61, ["max"] = 95, ["step"] = 1 },
                ["timeout_minutes"] = new JsonObject { ["min"] = 30, ["max"] = 600, ["step"] = 30 },
            },
        };

        var submitted = await _app.Services.GetRequiredService<BacktestService>().SubmitAsync(user, BacktestRunKinds.Backtest, GoldenSpec(grid: grid));
        Assert.True(submitted.Succeeded, string.Join("; ", submitted.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        Assert.Equal(submitted.RunId, await progressed.Task.WaitAsync(TimeSpan.FromSeconds(120)));
        Assert.Equal(BacktestActionResult.Forbidden, await _app.Services.GetRequiredService<BacktestService>().CancelAsync(await UserAsync("stranger"), submitted.RunId!.Value));
        Assert.Equal(BacktestActionResult.Done, await _app.Services.GetRequiredService<BacktestService>().CancelAsync(user, submitted.RunId!.Value));
        await Task.Delay(TimeSpan.FromSeconds(5)); // the worker reads the cancel flag every ProgressPersistSeconds (1 s here)
        release.Set();
        var run = await UntilFinishedAsync(submitted.RunId!.Value);

        Assert.Equal(BacktestRunStatuses.Cancelled, run.Status);
        Assert.True(run.ProgressPct < 100, $"progress {run.ProgressPct}");
        Assert.Equal(35 * 20, run.StrategyCount);
        Assert.Equal(35 * 20, (await Store.StrategiesAsync(run.RunId)).Count);
    }

    [Fact]
    public async Task Api_SubmitListGetTradesCsvDelete_OwnershipAndBadInput()
    {
        var owner = await UserAsync("apiowner");
        var other = await UserAsync("apiother");
        using var client = Client(await TokenAsync(owner));
        using var otherClient = Client(await TokenAsync(other));
        using var anonymous = _app.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/backtests")).StatusCode);

        // Bad input: per-field errors, nothing stored.
        var bad = GoldenSpec().Deserialize<JsonObject>()!;
        bad["dataset"] = "no-such-dataset";
        bad["to"] = bad["from"]!.GetValue<string>();
        bad["strategies"] = new JsonArray(Guid.NewGuid().ToString("D"));
        ((JsonObject)((JsonArray)bad["params"]!)[0]!)["tp1_ratio"] = -3;
        using (var response = await client.PostAsJsonAsync("/api/backtests", bad))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.Contains("does not exist; existing: ", errors.GetProperty("dataset")[0].GetString(), StringComparison.Ordinal);
            Assert.Contains("after", errors.GetProperty("to")[0].GetString(), StringComparison.Ordinal);
            Assert.True(errors.TryGetProperty("strategies", out _), errors.GetRawText());
            Assert.True(errors.TryGetProperty("rows[0].tp1_ratio", out _), errors.GetRawText());
        }

        var grid = new JsonObject
        {
            ["base"] = BacktestFormModel.Row(GoldenEvents.Strategies[0], new Dictionary<string, double>()),
            ["ranges"] = new JsonObject
            {
                ["entry_score"] = new JsonObject { ["min"] = 60, ["max"] = 95, ["step"] = 1 },
                ["timeout_minutes"] = new JsonObject { ["min"] = 30, ["max"] = 1440, ["step"] = 5 },
            },
        };
        using (var response = await client.PostAsJsonAsync("/api/backtests", GoldenSpec(grid: grid)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var message = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("grid")[0].GetString()!;
            Assert.Contains("10188", message.Replace(",", "", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Contains("5000", message.Replace(",", "", StringComparison.Ordinal), StringComparison.Ordinal);
        }

        var empty = GoldenSpec().Deserialize<JsonObject>()!;
        empty["from"] = "2020-01-01T00:00:00Z";
        empty["to"] = "2020-01-02T00:00:00Z";
        using (var response = await client.PostAsJsonAsync("/api/backtests", empty))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(" only from ", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("from")[0].GetString(), StringComparison.Ordinal);
        }

        Assert.Empty(await Store.ListAsync(includePreviews: true));

        // A valid run.
        using var accepted = await client.PostAsJsonAsync("/api/backtests", GoldenSpec());
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("run_id").GetGuid();
        var run = await UntilFinishedAsync(id);
        Assert.Equal(BacktestRunStatuses.Succeeded, run.Status);

        var list = await client.GetFromJsonAsync<JsonElement>("/api/backtests");
        Assert.Equal(id, list[0].GetProperty("run_id").GetGuid());
        Assert.Equal("apiowner", list[0].GetProperty("owner_name").GetString());
        var detail = await otherClient.GetFromJsonAsync<JsonElement>($"/api/backtests/{id}");
        Assert.Equal("succeeded", detail.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal(2, detail.GetProperty("strategies").GetArrayLength());
        Assert.True(detail.GetProperty("strategies")[0].GetProperty("statistics").TryGetProperty("by_hour_beijing", out _));

        var page = await client.GetFromJsonAsync<JsonElement>($"/api/backtests/{id}/trades?page=1&size=5");
        Assert.Equal(run.TradeCount, page.GetProperty("total").GetInt32());
        Assert.Equal(Math.Min(5, run.TradeCount), page.GetProperty("trades").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/backtests/{id}/trades?page=0")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/backtests/{Guid.NewGuid()}/trades")).StatusCode);

        var csv = (await client.GetStringAsync($"/api/backtests/{id}/trades.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(BacktestCsv.Header, csv[0].TrimEnd('\r'));
        Assert.Equal(run.TradeCount + 1, csv.Length);
        Assert.Matches(@"^0,[0-9a-f-]{36},\d+,[A-Z]+USDT,(LONG|SHORT),[a-z_0-9]+,[a-z]+,\d+(\.\d+)?,\d+(\.\d+)?,\d+,", csv[1]);

        // Others view but do not delete; the owner does.
        Assert.Equal(HttpStatusCode.Forbidden, (await otherClient.DeleteAsync($"/api/backtests/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/backtests/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/backtests/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/backtests/{id}")).StatusCode);
    }

    [Fact]
    public async Task Delete_ByAdmin_AllowedForAnyRun()
    {
        var owner = await UserAsync("someone");
        var admin = await UserAsync("boss", admin: true);
        var id = await Store.EnqueueAsync(BacktestStoreTests.Run(owner.UserId), 5);
        await Store.SaveResultAsync(id, BacktestStoreTests.Result(), 1);

        Assert.Equal(BacktestActionResult.Forbidden, await _app.Services.GetRequiredService<BacktestService>().DeleteAsync(await UserAsync("nobody"), id));
        Assert.Equal(BacktestActionResult.Done, await _app.Services.GetRequiredService<BacktestService>().DeleteAsync(admin, id));
        Assert.Null(await Store.FindAsync(id));
    }
}

/// <summary>What happens to a run that was running when the app stopped: it is marked failed, not resumed.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BacktestRestartTests(PostgresFixture postgres)
{
    [Fact]
    public async Task AppStart_RunLeftRunning_MarkedFailedInterruptedByRestart()
    {
        var cs = await postgres.CreateMigratedDatabaseAsync("btrestart");
        await using var db = NpgsqlDataSource.Create(cs);
        var store = new BacktestStore(db);
        var id = await store.EnqueueAsync(BacktestStoreTests.Run("crashed"), 5);
        Assert.Equal(id, (await store.ClaimNextAsync())!.Value.Run.RunId);

        await using var app = new TestApp(cs, kestrel: false, BacktestPipelineTests.Settings());
        _ = app.Services;

        await SimulatedApp.Until(async () => (await store.FindAsync(id))!.Status == BacktestRunStatuses.Failed, "the interrupted run to be marked failed");
        var run = (await store.FindAsync(id))!;
        Assert.Equal(BacktestRunStatuses.InterruptedByRestart, run.Error);
        Assert.NotNull(run.FinishedAt);
    }
}
