using System.Net;
using System.Net.Http.Json;
using System.Text;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Accounts;

namespace ArbitrageEngine.Tests.Web.Accounts;

/// <summary>Issue 14 findings 5, 6, 8 and the headers of 9, through a cookie session like a browser's.</summary>
public sealed class ApiHardeningTests(PostgresFixture postgres) : AppTest(postgres)
{
    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string> { ["Accounts:MaxStrategiesPerUser"] = "3" };

    private async Task<HttpSession> AdminAsync()
    {
        var session = new HttpSession(App);
        Assert.Equal(HttpStatusCode.Redirect, (await session.LoginAsync(TestApp.AdminUserName, TestApp.AdminPassword)).StatusCode);
        session.Client.DefaultRequestHeaders.Add(AccountGuardMiddleware.CsrfHeader, "fetch");
        return session;
    }

    private static async Task<Guid> CreateStrategyAsync(HttpSession session)
    {
        using var created = await session.Client.PostAsJsonAsync("/api/strategies", new { display_name = "hardening", symbol = "BTCUSDT" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("strategy_id").GetGuid();
    }

    [Fact]
    public async Task Post_CookiePauseFromForeignOrigin_Forbidden()
    {
        using var session = await AdminAsync();
        var id = await CreateStrategyAsync(session);

        using var foreign = new HttpRequestMessage(HttpMethod.Post, $"/api/strategies/{id}/pause");
        foreign.Headers.Add("Origin", "https://evil.example");
        using var refused = await session.Client.SendAsync(foreign);
        using var same = new HttpRequestMessage(HttpMethod.Post, $"/api/strategies/{id}/pause");
        same.Headers.Add("Origin", "http://localhost");
        using var accepted = await session.Client.SendAsync(same);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Post_CookieWithoutOriginOrHeader_Forbidden()
    {
        using var session = new HttpSession(App);
        await session.LoginAsync(TestApp.AdminUserName, TestApp.AdminPassword);

        using var response = await session.Client.PostAsync($"/api/strategies/{Guid.NewGuid()}/pause", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Negotiate_CookieFromForeignOrigin_Forbidden()
    {
        using var session = await AdminAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/market/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await session.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Post_TenThousandAndOneTags_400WithTagsError()
    {
        using var session = await AdminAsync();

        using var response = await session.Client.PostAsJsonAsync("/api/strategies",
            new { display_name = "many tags", symbol = "BTCUSDT", tags = Enumerable.Range(0, 10_001).Select(i => "t" + i).ToArray() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"tags\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_StrategiesBeyondPerUserCap_400WithMessage()
    {
        using var session = await AdminAsync();
        for (var i = 0; i < 3; i++)
        {
            await CreateStrategyAsync(session);
        }

        using var response = await session.Client.PostAsJsonAsync("/api/strategies", new { display_name = "one too many", symbol = "BTCUSDT" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("maximum of 3 strategies", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_NulInName_400WithFieldError()
    {
        using var session = await AdminAsync();

        using var response = await session.Client.PostAsJsonAsync("/api/strategies", new { display_name = "bad\u0000name", symbol = "BTCUSDT" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"display_name\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_NulInFilterOrHugePage_400()
    {
        using var session = await AdminAsync();
        var id = await CreateStrategyAsync(session);

        using var nul = await session.GetAsync($"/api/strategies/{id}/trades?status=open%00x");
        using var overflow = await session.GetAsync($"/api/strategies/{id}/trades?page=2147483647&size=500");
        using var gate = await session.GetAsync($"/api/strategies/{id}/evaluations?gate=%00");

        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.Contains("\"status\"", await nul.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, overflow.StatusCode);
        Assert.Contains("\"page\"", await overflow.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, gate.StatusCode);
    }

    [Fact]
    public async Task Post_TopUpRoundingToZero_400WithAmountError()
    {
        using var session = await AdminAsync();
        var id = await CreateStrategyAsync(session);

        using var response = await session.Client.PostAsJsonAsync($"/api/strategies/{id}/balance", new { amount = 0.000000001m });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"amount\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_BodyOverLimit_413()
    {
        using var session = await AdminAsync();
        using var content = new StringContent("{\"display_name\":\"" + new string('x', 300 * 1024) + "\"}", Encoding.UTF8, "application/json");

        using var response = await session.Client.PostAsync("/api/strategies", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Get_OverHttps_HstsPresentAndAbsentOverHttp()
    {
        using var https = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        using var http = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var secure = await https.GetAsync("/account/login");
        using var plain = await http.GetAsync("/account/login");

        Assert.StartsWith("max-age=", secure.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("/account/login")]
    [InlineData("/plaza")]
    public async Task Get_AnyPage_SecurityHeadersPresent(string path)
    {
        using var session = await AdminAsync();

        using var response = await session.GetAsync(path);

        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }
}
