using System.Text.Encodings.Web;
using ArbitrageEngine.Web.Persistence.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Accounts;

/// <summary>
/// Authenticates API and hub requests that present a per-user token as <c>Authorization: Bearer ae_…</c> (or
/// <c>?access_token=</c> on /hubs, where browsers cannot set headers on WebSockets). The user must still exist and
/// not be banned or locked out; the principal is built exactly as for a cookie sign-in, so roles apply.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenService tokens,
    UserManager<AppUser> users,
    IUserClaimsPrincipalFactory<AppUser> principals,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    public static readonly TimeSpan TicketLifetime = TimeSpan.FromMinutes(10);

    /// <summary>The token a request presents, if any.</summary>
    public static string? PresentedToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return request.Path.StartsWithSegments("/hubs") && request.Query["access_token"].ToString() is { Length: > 0 } query ? query : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (PresentedToken(Request) is not { } presented)
        {
            return AuthenticateResult.NoResult();
        }

        if (await tokens.FindOwnerAsync(presented, Context.RequestAborted) is not { } owner)
        {
            return AuthenticateResult.Fail("Unknown or revoked API token.");
        }

        var user = await users.FindByIdAsync(owner.UserId);
        if (user is null || user.IsBanned || (user.LockoutEnd is { } end && end > clock.GetUtcNow()))
        {
            return AuthenticateResult.Fail("The token's user cannot sign in.");
        }

        var principal = await principals.CreateAsync(user);
        // A short ticket life: hub connections close when it ends (CloseOnAuthenticationExpiration) and reconnect
        // through this check, so a revoked token or a banned user stops receiving within 10 minutes.
        var properties = new AuthenticationProperties { ExpiresUtc = clock.GetUtcNow().Add(TicketLifetime) };
        return AuthenticateResult.Success(new AuthenticationTicket(principal, properties, SchemeName));
    }
}
