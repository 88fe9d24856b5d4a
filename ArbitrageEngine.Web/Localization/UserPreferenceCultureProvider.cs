using System.Security.Claims;
using Microsoft.AspNetCore.Localization;

namespace ArbitrageEngine.Web.Localization;

/// <summary>
/// Picks the signed-in user's stored language (so the choice follows the account to any browser). Anonymous
/// requests and users without a choice fall through to the cookie and then the browser's Accept-Language.
/// </summary>
public sealed class UserPreferenceCultureProvider : RequestCultureProvider
{
    public override async Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        if (httpContext.User.Identity?.IsAuthenticated != true
            || httpContext.User.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId
            || httpContext.RequestServices.GetService<UserPreferenceStore>() is not { } store)
        {
            return null;
        }

        try
        {
            return await store.LanguageAsync(userId, httpContext.RequestAborted).ConfigureAwait(false) is { } language
                ? new ProviderCultureResult(language)
                : null;
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            // Database unavailable (e.g. during shutdown): the cookie or the browser decides.
            return null;
        }
    }
}
