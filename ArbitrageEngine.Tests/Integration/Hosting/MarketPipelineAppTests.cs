using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Hosting.Market;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Hosting;

/// <summary>The real app with the simulated market: seeded strategies, stored trades, live ticks, API and hub.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MarketPipelineAppTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync("pipeline");
        _app = new TestApp(connectionString, kestrel: true, SimulatedApp.Settings());
        _ = _app.ServerAddress;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SimulatedSource_StoresTradesTicksAndServesApiAndHub()
    {
        var live = _app.Services.GetRequiredService<LiveEngineState>();
        await SimulatedApp.Until(() => Task.FromResult(live.Ticks >= 3), "three live ticks");

        await using (var dataSource = NpgsqlDataSource.Create(_app.ConnectionString))
        {
            await SimulatedApp.Until(async () =>
            {
                await using var cmd = dataSource.CreateCommand("SELECT count(*) FROM agg_trades");
                return (long)(await cmd.ExecuteScalarAsync())! > 1_000;
            }, "stored trades");
            await using var strategies = dataSource.CreateCommand("SELECT count(*) FROM strategies");
            Assert.Equal(72L, await strategies.ExecuteScalarAsync()); // the factory grid
            await SimulatedApp.Until(async () =>
            {
                await using var cmd = dataSource.CreateCommand("SELECT count(DISTINCT ts) FROM signal_evaluations");
                return (long)(await cmd.ExecuteScalarAsync())! >= 2;
            }, "stored evaluations");
        }

        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _app.ServerAddress };
        var denied = await anonymous.GetAsync("/api/strategies");
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);

        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = _app.ServerAddress };
        var loginPage = await client.GetStringAsync("/account/login");
        var token = System.Text.RegularExpressions.Regex.Match(loginPage, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["_handler"] = "login",
            ["Input.UserName"] = TestApp.AdminUserName,
            ["Input.Password"] = TestApp.AdminPassword,
        });
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostAsync("/account/login", form)).StatusCode);
        var session = (Client: client, Cookies: cookies);
        // A cookie client that is not a browser page: says so, as the CSRF rule for cookie API writes requires.
        client.DefaultRequestHeaders.Add("X-Requested-With", "tests");
        var list = await session.Client.GetFromJsonAsync<JsonElement>("/api/strategies");
        Assert.Equal(72, list.GetArrayLength());

        var bad = await session.Client.PostAsJsonAsync("/api/strategies", new { display_name = "", symbol = "BTCUSDT", weight_direction = 70 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("display_name", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("weights", out _));

        var created = await session.Client.PostAsJsonAsync("/api/strategies", new { display_name = "api made", symbol = "SOLUSDT", entry_score = 70 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("strategy_id").GetGuid();
        await SimulatedApp.Until(() => Task.FromResult(live.LatestResults.ContainsKey(id)), "the new strategy's first evaluation");

        var firstId = list[0].GetProperty("strategy_id").GetGuid();
        var evaluations = await session.Client.GetFromJsonAsync<JsonElement>($"/api/strategies/{firstId}/evaluations?limit=2");
        Assert.InRange(evaluations.GetArrayLength(), 1, 2);
        Assert.True(evaluations[0].GetProperty("result").TryGetProperty("score", out _));
        Assert.Equal(JsonValueKind.Array, (await session.Client.GetFromJsonAsync<JsonElement>($"/api/strategies/{firstId}/trades?page=1&size=10")).ValueKind);
        Assert.Equal(JsonValueKind.Array, (await session.Client.GetFromJsonAsync<JsonElement>($"/api/strategies/{firstId}/equity")).ValueKind);
        var unconfirmed = await session.Client.PostAsync($"/api/strategies/{id}/deprecate", null);
        Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        Assert.True((await unconfirmed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("confirm", out _));
        Assert.Equal(HttpStatusCode.OK, (await session.Client.PostAsync($"/api/strategies/{id}/deprecate?confirm=true", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.Client.GetAsync("/openapi/v1.json")).StatusCode);

        // SignalR: an authenticated client receives prices.
        var prices = 0;
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_app.ServerAddress, "hubs/market"), o => o.Cookies = session.Cookies)
            .Build();
        hub.On<JsonElement>("price", _ => Interlocked.Increment(ref prices));
        await hub.StartAsync();
        await hub.InvokeAsync("SubscribeSymbol", "BTCUSDT");
        await SimulatedApp.Until(() => Task.FromResult(Volatile.Read(ref prices) > 0), "a price over SignalR", 20);
    }
}
