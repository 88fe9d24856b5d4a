using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ArbitrageEngine.Web.Persistence.Entities;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Hosting.Market;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ArbitrageEngine.Tests.Integration.Hosting;

/// <summary>
/// The JSON API endpoint by endpoint and the hub, on the real app with the simulated market, authenticated with a
/// per-user API token: 401 without auth, 400 with per-field errors, effects visible at the next tick, live events.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LiveApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync("liveapi");
        _app = new TestApp(connectionString, kestrel: true, SimulatedApp.Settings());
        _ = _app.ServerAddress;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<string> CreateTokenAsync()
    {
        await using var scope = _app.CreateScope();
        var admin = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByNameAsync(TestApp.AdminUserName);
        var result = await scope.ServiceProvider.GetRequiredService<ApiTokenService>().CreateAsync(admin!.Id, "tests", new AuditActor(admin.UserName!, admin.Id, null));
        Assert.True(result.Succeeded);
        return result.Value!;
    }

    private HttpClient Client(string? token = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _app.ServerAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    [Fact]
    public async Task Endpoints_WithoutAuthOrWithRevokedToken_Answer401()
    {
        var live = _app.Services.GetRequiredService<LiveEngineState>();
        await SimulatedApp.Until(() => Task.FromResult(live.Phase == PipelinePhase.Live), "the pipeline");
        var id = Guid.NewGuid();
        using var anonymous = Client();
        foreach (var url in new[]
        {
            "/api/strategies", "/api/strategies/summaries", $"/api/strategies/{id}", $"/api/strategies/{id}/stats", $"/api/strategies/{id}/evaluations",
            $"/api/strategies/{id}/evaluations/latest", $"/api/strategies/{id}/trades", $"/api/strategies/{id}/equity", $"/api/strategies/{id}/positions",
            "/api/positions", "/api/market/latest", "/api/metrics", "/hubs/market/negotiate",
        })
        {
            var response = url.EndsWith("negotiate", StringComparison.Ordinal) ? await anonymous.PostAsync(url, null) : await anonymous.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{url} answered {response.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/strategies", new { display_name = "x" })).StatusCode);

        var token = await CreateTokenAsync();
        using var wrong = Client(token + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/strategies")).StatusCode);
        using var client = Client(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/strategies")).StatusCode);

        await using (var scope = _app.CreateScope())
        {
            var admin = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByNameAsync(TestApp.AdminUserName);
            var tokens = scope.ServiceProvider.GetRequiredService<ApiTokenService>();
            var listed = Assert.Single(await tokens.ListAsync(admin!.Id));
            Assert.StartsWith(listed.Prefix, token, StringComparison.Ordinal);
            Assert.NotNull(listed.LastUsedAt);
            Assert.True((await tokens.RevokeAsync(admin.Id, listed.TokenId, AuditActor.System)).Succeeded);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/strategies")).StatusCode);
    }

    [Fact]
    public async Task Endpoints_WithToken_ServeStrategiesActionsPaperAndMarket()
    {
        var live = _app.Services.GetRequiredService<LiveEngineState>();
        await SimulatedApp.Until(() => Task.FromResult(live.Ticks >= 2), "two ticks");
        using var client = Client(await CreateTokenAsync());

        var summaries = await client.GetFromJsonAsync<JsonElement>("/api/strategies/summaries");
        Assert.Equal(72, summaries.GetArrayLength());
        Assert.Contains(summaries[0].GetProperty("display_status").GetString(), new[] { "running", "error" });
        var id = summaries[0].GetProperty("strategy").GetProperty("strategy_id").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/strategies/{Guid.NewGuid()}")).StatusCode);
        var one = await client.GetFromJsonAsync<JsonElement>($"/api/strategies/{id}");
        Assert.Equal(id, one.GetProperty("strategy_id").GetGuid());

        // Invalid edit: 400 with one entry per field, nothing changes.
        var bad = await client.PutAsJsonAsync($"/api/strategies/{id}", new { tp1_ratio = 2.0, tp2_ratio = 1.0, entry_score = 200 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("entry_score", out _));
        Assert.True(errors.TryGetProperty("tp2_ratio", out _));
        Assert.Equal(one.GetProperty("entry_score").GetInt32(), (await client.GetFromJsonAsync<JsonElement>($"/api/strategies/{id}")).GetProperty("entry_score").GetInt32());

        // A valid edit changes the next tick's result: with weights summing to 100 the environment layer's maximum is its weight.
        var edit = await client.PutAsJsonAsync($"/api/strategies/{id}", new { weight_direction = 70, weight_env = 20, weight_aux = 10, weight_momentum = 0 });
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        var editedAt = live.LastTickMs;
        await SimulatedApp.Until(() => Task.FromResult(live.LatestResults.TryGetValue(id, out var r) && r.TimeMs > editedAt + 1000), "a tick after the edit");
        var latest = await client.GetFromJsonAsync<JsonElement>($"/api/strategies/{id}/evaluations/latest");
        Assert.NotEqual(20, one.GetProperty("weight_env").GetInt32());
        Assert.Equal(20.0, latest.GetProperty("layers").GetProperty("environment").GetProperty("max").GetDouble(), 6);

        // Actions.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/strategies/{id}/pause", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync($"/api/strategies/{id}/pause", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/strategies/{id}/resume", null)).StatusCode);
        var zero = await client.PostAsJsonAsync($"/api/strategies/{id}/balance", new { amount = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        Assert.True((await zero.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("amount", out _));
        var before = one.GetProperty("initial_balance").GetDouble();
        var topped = await client.PostAsJsonAsync($"/api/strategies/{id}/balance", new { amount = 500 });
        Assert.Equal(before + 500, (await topped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("initial_balance").GetDouble());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync($"/api/strategies/{id}/restore", null)).StatusCode); // not deprecated
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/strategies/{id}/deprecate?confirm=true", null)).StatusCode);
        Assert.Equal(71, (await client.GetFromJsonAsync<JsonElement>("/api/strategies/summaries")).GetArrayLength());
        Assert.Equal(1, (await client.GetFromJsonAsync<JsonElement>("/api/strategies/summaries?deprecated=true")).GetArrayLength());
        var restored = await client.PostAsync($"/api/strategies/{id}/restore", null);
        Assert.Equal("paused", (await restored.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        // Paper and market reads.
        var stats = await client.GetFromJsonAsync<JsonElement>($"/api/strategies/{id}/stats");
        Assert.True(stats.TryGetProperty("trade_count", out _));
        Assert.Equal(JsonValueKind.Array, (await client.GetFromJsonAsync<JsonElement>($"/api/strategies/{id}/positions")).ValueKind);
        Assert.Equal(JsonValueKind.Array, (await client.GetFromJsonAsync<JsonElement>("/api/positions")).ValueKind);
        var blocked = await client.GetFromJsonAsync<JsonElement>($"/api/strategies/{id}/evaluations?blocked=true&limit=5");
        Assert.All(blocked.EnumerateArray(), e => Assert.False(e.GetProperty("gate_passed").GetBoolean()));
        var market = await client.GetFromJsonAsync<JsonElement>("/api/market/latest");
        Assert.True(market.GetProperty("prices").TryGetProperty("BTCUSDT", out var btc) && btc.GetDouble() > 0);

        await SimulatedApp.Until(async () => (await client.GetFromJsonAsync<JsonElement>("/api/metrics")).GetProperty("trades_per_second").GetDouble() > 0, "a trade rate", 20);
        var metrics = await client.GetFromJsonAsync<JsonElement>("/api/metrics");
        Assert.True(metrics.GetProperty("tick_ms").GetProperty("samples").GetInt32() >= 2);
        Assert.True(metrics.GetProperty("queues").TryGetProperty("pipeline_input", out _));
        Assert.True(metrics.GetProperty("dropped").TryGetProperty("trade_writer", out _));
    }

    [Fact]
    public async Task Hub_ManyTokenClients_HoldNoDatabaseConnections()
    {
        var token = await CreateTokenAsync();
        await using var db = Npgsql.NpgsqlDataSource.Create(_app.ConnectionString);
        async Task<long> ConnectionsAsync()
        {
            await using var cmd = db.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
            return (long)(await cmd.ExecuteScalarAsync())!;
        }

        var before = await ConnectionsAsync();
        var hubs = new List<HubConnection>();
        try
        {
            for (var i = 0; i < 30; i++)
            {
                var hub = new HubConnectionBuilder()
                    .WithUrl(new Uri(_app.ServerAddress, "hubs/market"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
                    .Build();
                await hub.StartAsync();
                hubs.Add(hub);
            }

            // Each WebSocket keeps its request scope open for its lifetime; authentication must not pin a connection in it.
            Assert.True(await ConnectionsAsync() < before + 10, $"{await ConnectionsAsync()} connections with 30 hub clients (was {before})");
        }
        finally
        {
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Hub_WithToken_ReceivesEvaluationsAndPositionEvents()
    {
        var token = await CreateTokenAsync();
        using var client = Client(token);
        var evaluations = 0;
        var positions = new List<JsonElement>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_app.ServerAddress, "hubs/market"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        hub.On<JsonElement>("evaluation", _ => Interlocked.Increment(ref evaluations));
        hub.On<JsonElement>("position", p =>
        {
            lock (positions)
            {
                positions.Add(p);
            }
        });
        await hub.StartAsync();
        await hub.InvokeAsync("SubscribeAll");

        // Eager strategies (all gates off, lowest entry score) so a position opens within seconds on the simulated market.
        foreach (var symbol in new[] { "BTCUSDT", "ETHUSDT", "XRPUSDT", "SOLUSDT" })
        {
            var created = await client.PostAsJsonAsync("/api/strategies", new
            {
                display_name = "eager " + symbol, symbol, entry_score = 60, weight_direction = 80, weight_env = 5, weight_aux = 15, weight_momentum = 0,
                gate_vol_enabled = false, gate_cvd_enabled = false, gate_whale_enabled = false, gate_obi_enabled = false, gate_spot_perp_enabled = false,
                cvd_fast_window = "5m", cvd_slow_window = "30m",
            });
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }


        await SimulatedApp.Until(() => Task.FromResult(Volatile.Read(ref evaluations) > 0), "an evaluation over SignalR", 30);
        await SimulatedApp.Until(() =>
        {
            lock (positions)
            {
                return Task.FromResult(positions.Count > 0);
            }
        }, "a position event over SignalR", 120);
        JsonElement first;
        lock (positions)
        {
            first = positions[0];
        }

        Assert.Contains(first.GetProperty("kind").GetString(), new[] { "opened", "tp1", "closed" });
        Assert.True(first.GetProperty("entry").GetDouble() > 0);
    }
}
