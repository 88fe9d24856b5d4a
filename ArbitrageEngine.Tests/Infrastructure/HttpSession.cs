using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ArbitrageEngine.Tests.Infrastructure;

/// <summary>An HTTP client with its own cookie jar that can fill in the static-SSR account forms (with antiforgery).</summary>
public sealed partial class HttpSession(TestApp app) : IDisposable
{
    public HttpClient Client { get; } = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(path);

    /// <summary>GETs a page, then POSTs its form named <paramref name="formName"/> with the antiforgery token.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, string formName, IDictionary<string, string> fields)
    {
        using var page = await Client.GetAsync(path);
        var html = await page.Content.ReadAsStringAsync();
        var token = AntiforgeryToken().Match(html);
        if (!token.Success)
        {
            throw new InvalidOperationException($"No antiforgery token on {path} (status {(int)page.StatusCode}).");
        }

        var form = new Dictionary<string, string>(fields)
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["_handler"] = formName,
        };
        using var content = new FormUrlEncodedContent(form);
        return await Client.PostAsync(path, content);
    }

    public Task<HttpResponseMessage> LoginAsync(string userName, string password) =>
        PostFormAsync("/account/login", "login", new Dictionary<string, string> { ["Input.UserName"] = userName, ["Input.Password"] = password });

    public Task<HttpResponseMessage> RegisterAsync(string inviteCode, string userName, string password, string? confirm = null) =>
        PostFormAsync("/account/register", "register", new Dictionary<string, string>
        {
            ["Input.InviteCode"] = inviteCode,
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = confirm ?? password,
        });

    public void Dispose() => Client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
