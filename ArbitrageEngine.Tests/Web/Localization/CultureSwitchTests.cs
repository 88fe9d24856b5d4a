using System.Net;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Localization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ArbitrageEngine.Tests.Web.Localization;

public sealed class CultureSwitchTests(PostgresFixture postgres) : AppTest(postgres)
{
    private async Task<string?> StoredLanguageAsync(string userName)
    {
        await using var conn = new NpgsqlConnection(App.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT p.language FROM user_preferences p JOIN asp_net_users u ON u.id = p.user_id WHERE u.user_name = @n", conn);
        cmd.Parameters.AddWithValue("n", userName);
        return await cmd.ExecuteScalarAsync() as string;
    }

    [Fact]
    public async Task Switch_SignedIn_StoresLanguageWithAccountForOtherBrowsers()
    {
        using var first = new HttpSession(App);
        await first.LoginAsync(TestApp.AdminUserName, TestApp.AdminPassword);

        using var response = await first.GetAsync("/culture/zh-CN?returnUrl=%2Fplaza");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/plaza", response.Headers.Location!.OriginalString);
        Assert.Equal("zh-CN", await StoredLanguageAsync(TestApp.AdminUserName));
        // A second browser with no cookie and an English Accept-Language still gets the account's language.
        using var second = new HttpSession(App);
        second.Client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-US");
        await second.LoginAsync(TestApp.AdminUserName, TestApp.AdminPassword);
        var html = WebUtility.HtmlDecode(await second.Client.GetStringAsync("/plaza"));
        Assert.Contains("lang=\"zh-CN\"", html);
        Assert.Contains("策略广场", html);
    }

    [Fact]
    public async Task Request_NoChoice_FallsBackToBrowserLanguage()
    {
        using var session = new HttpSession(App);
        session.Client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-TW,zh;q=0.9,en;q=0.5");
        await session.LoginAsync(TestApp.AdminUserName, TestApp.AdminPassword);

        var html = await session.Client.GetStringAsync("/plaza");

        Assert.Contains("lang=\"zh-CN\"", html);
        Assert.Null(await StoredLanguageAsync(TestApp.AdminUserName));
    }

    [Fact]
    public async Task Request_EnglishBrowserNoChoice_ServesEnglish()
    {
        using var session = new HttpSession(App);
        session.Client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-GB");
        await session.LoginAsync(TestApp.AdminUserName, TestApp.AdminPassword);

        var html = await session.Client.GetStringAsync("/plaza");

        Assert.Contains("lang=\"en\"", html);
        Assert.Contains("Strategy plaza", html);
    }

    [Fact]
    public async Task Switch_UnsupportedLanguage_IsRejectedAndNothingStored()
    {
        using var session = new HttpSession(App);
        await session.LoginAsync(TestApp.AdminUserName, TestApp.AdminPassword);

        using var response = await session.GetAsync("/culture/fr-FR?returnUrl=%2F");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(await StoredLanguageAsync(TestApp.AdminUserName));
    }

    [Fact]
    public async Task Switch_ForeignReturnUrl_RedirectsHome()
    {
        using var session = new HttpSession(App);

        using var response = await session.GetAsync("/culture/en?returnUrl=https%3A%2F%2Fevil.example%2F");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("zh", "zh-CN")]
    [InlineData("zh-Hans-CN", "zh-CN")]
    [InlineData("en-US", "en")]
    [InlineData("fr", null)]
    [InlineData("", null)]
    public void Normalize_Name_MapsOntoShippedLanguages(string name, string? expected) => Assert.Equal(expected, AppCultures.Normalize(name));

    [Fact]
    public async Task Store_SetThenRead_RoundTripsAndRefusesUnknown()
    {
        var store = App.Services.GetRequiredService<UserPreferenceStore>();

        Assert.True(await store.SetLanguageAsync("user-1", "zh"));
        Assert.False(await store.SetLanguageAsync("user-1", "de"));

        await using var dataSource = NpgsqlDataSource.Create(App.ConnectionString);
        Assert.Equal("zh-CN", await new UserPreferenceStore(dataSource).LanguageAsync("user-1"));
    }
}
