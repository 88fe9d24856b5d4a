using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Hubs;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ArbitrageEngine.Tests.Web.Accounts;

/// <summary>Issue 14 finding 1 (token scope) and the hub limits of finding 5.</summary>
public sealed class ApiTokenScopeTests(PostgresFixture postgres) : AppTest(postgres)
{
    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["Accounts:TokenRecheckSeconds"] = "1",
        ["Accounts:MaxHubGroupsPerConnection"] = "3",
    };

    private async Task<(string Token, Guid TokenId)> AdminTokenAsync(string scope = ApiTokenClaims.ReadWriteScope)
    {
        await using var db = App.CreateDbContext();
        var admin = await db.Users.SingleAsync(u => u.UserName == TestApp.AdminUserName);
        await using var scopeProvider = App.CreateScope();
        var tokens = scopeProvider.ServiceProvider.GetRequiredService<ApiTokenService>();
        var created = await tokens.CreateAsync(admin.Id, "tests-" + scope, scope, null, new AuditActor(admin.UserName!, admin.Id, null));
        Assert.True(created.Succeeded);
        var id = (await tokens.ListAsync(admin.Id)).Single(t => t.Name == "tests-" + scope).TokenId;
        return (created.Value!, id);
    }

    private HttpClient BearerClient(string token)
    {
        var client = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task Get_BearerOnlyOnAdminPage_RedirectsToLogin()
    {
        var (token, _) = await AdminTokenAsync();
        using var client = BearerClient(token);

        using var page = await client.GetAsync("/admin/users");
        using var api = await client.GetAsync("/api/strategies");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/account/login", page.Headers.Location!.OriginalString.Replace("http://localhost", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task Post_BearerOnlyOnBlazorNegotiate_Refused()
    {
        var (token, _) = await AdminTokenAsync();
        using var client = BearerClient(token);

        using var negotiate = await client.PostAsync("/_blazor/negotiate?negotiateVersion=1", null);

        Assert.NotEqual(HttpStatusCode.OK, negotiate.StatusCode);
    }

    [Fact]
    public async Task Post_ReadOnlyTokenPause_Forbidden()
    {
        var (token, _) = await AdminTokenAsync(ApiTokenClaims.ReadScope);
        using var client = BearerClient(token);

        using var read = await client.GetAsync("/api/strategies");
        using var write = await client.PostAsync($"/api/strategies/{Guid.NewGuid()}/pause", null);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
    }

    [Fact]
    public async Task Get_ExpiredToken_Unauthorized()
    {
        var (token, id) = await AdminTokenAsync();
        await using (var db = App.CreateDbContext())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE api_tokens SET expires_at = now() - interval '1 minute' WHERE token_id = {id}");
        }

        using var client = BearerClient(token);
        using var response = await client.GetAsync("/api/strategies");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Post_TokenCreatesStrategy_AuditRecordsToken()
    {
        var (token, id) = await AdminTokenAsync();
        using var client = BearerClient(token);

        using var response = await client.PostAsJsonAsync("/api/strategies", new { display_name = "via token", symbol = "BTCUSDT" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await using var db = App.CreateDbContext();
        var entry = await db.AuditLog.SingleAsync(e => e.Action == "strategy.create");
        Assert.Equal("token " + id.ToString("D"), entry.Via);
    }

    private HubConnection Hub(string token) => new HubConnectionBuilder()
        .WithUrl(new Uri(App.Server.BaseAddress, MarketHub.Path.TrimStart('/')), o =>
        {
            o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            o.Transports = HttpTransportType.LongPolling;
            o.HttpMessageHandlerFactory = _ => App.Server.CreateHandler();
        })
        .Build();

    [Fact]
    public async Task Hub_TokenRevokedElsewhere_ConnectionClosedWithinRecheck()
    {
        var (token, id) = await AdminTokenAsync();
        await using var hub = Hub(token);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await hub.StartAsync();
        await hub.InvokeAsync("SubscribeAll");

        // Revoked straight in the database (as another app instance would): only the periodic re-check can notice.
        await using (var db = App.CreateDbContext())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE api_tokens SET revoked_at = now() WHERE token_id = {id}");
        }

        var finished = await Task.WhenAny(closed.Task, Task.Delay(TimeSpan.FromSeconds(15)));
        Assert.Same(closed.Task, finished);
    }

    [Fact]
    public async Task Hub_GroupJoinsBeyondCapOrUnknown_Refused()
    {
        var (token, _) = await AdminTokenAsync();
        await using var hub = Hub(token);
        await hub.StartAsync();

        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("SubscribeSymbol", "NOPEUSDT"));
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("SubscribeStrategy", Guid.NewGuid()));
        await hub.InvokeAsync("SubscribeSymbol", "BTCUSDT");
        await hub.InvokeAsync("SubscribeSymbol", "ETHUSDT");
        await hub.InvokeAsync("SubscribeAll");
        var refused = 0;
        for (var i = 0; i < 1_000; i++)
        {
            try
            {
                await hub.InvokeAsync("SubscribeSymbol", i % 2 == 0 ? "XRPUSDT" : "SOLUSDT");
            }
            catch (HubException)
            {
                refused++;
            }
        }

        Assert.Equal(1_000, refused);
        await hub.InvokeAsync("UnsubscribeSymbol", "BTCUSDT");
        await hub.InvokeAsync("SubscribeSymbol", "XRPUSDT");
    }
}
