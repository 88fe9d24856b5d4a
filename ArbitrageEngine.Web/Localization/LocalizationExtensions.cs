using System.Security.Claims;
using ArbitrageEngine.Web.Hosting.Market;
using Microsoft.AspNetCore.Localization;

namespace ArbitrageEngine.Web.Localization;

public static class LocalizationExtensions
{
    /// <summary>Route of the language switch: <c>/culture/{name}?returnUrl=/plaza</c>.</summary>
    public const string SwitchPath = "/culture";

    /// <summary>IStringLocalizer over Ui.resx / Ui.zh-CN.resx, the preference store and request localisation.</summary>
    public static IHostApplicationBuilder AddAppLocalization(this IHostApplicationBuilder builder)
    {
        builder.Services.AddLocalization();
        builder.Services.AddSingleton(sp => new UserPreferenceStore(sp.GetRequiredService<MarketDatabase>().DataSourceAsync));
        builder.Services.Configure<RequestLocalizationOptions>(options =>
        {
            options.DefaultRequestCulture = new RequestCulture(AppCultures.English);
            options.SupportedCultures = AppCultures.Cultures;
            options.SupportedUICultures = AppCultures.Cultures;
            // "zh-Hans-CN" or "zh" in Accept-Language still land on zh-CN.
            options.FallBackToParentCultures = true;
            options.FallBackToParentUICultures = true;
            options.RequestCultureProviders =
            [
                new UserPreferenceCultureProvider(),
                new CookieRequestCultureProvider(),
                new BrowserLanguageCultureProvider(),
            ];
        });
        return builder;
    }

    /// <summary>Request localisation (after authentication, so the account's language is known) and the switch endpoint.</summary>
    public static WebApplication UseAppLocalization(this WebApplication app)
    {
        app.UseRequestLocalization();
        app.MapGet(SwitchPath + "/{name}", SwitchAsync).AllowAnonymous();
        return app;
    }

    /// <summary>Stores the language with the account (when signed in) and in a cookie, then goes back to the page.</summary>
    private static async Task<IResult> SwitchAsync(string name, string? returnUrl, HttpContext context, UserPreferenceStore store)
    {
        var target = LocalRedirect(returnUrl);
        if (AppCultures.Normalize(name) is not { } language)
        {
            return Results.BadRequest($"Unsupported language '{name}'. Supported: {string.Join(", ", AppCultures.Supported)}.");
        }

        if (context.User.Identity?.IsAuthenticated == true && context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId)
        {
            await store.SetLanguageAsync(userId, language, context.RequestAborted).ConfigureAwait(false);
        }

        context.Response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax });
        return Results.LocalRedirect(target);
    }

    /// <summary>The return URL when it is a local path, else "/" (no open redirects).</summary>
    internal static string LocalRedirect(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
