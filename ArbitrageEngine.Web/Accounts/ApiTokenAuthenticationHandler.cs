using System.Security.Claims;
using System.Text.Encodings.Web;
using ArbitrageEngine.Web.Persistence.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Accounts;

/// <summary>
/// Authenticates API and hub requests that present a per-user token as <c>Authorization: Bearer ae_…</c> (or
/// <c>?access_token=</c> on /hubs, where browsers cannot set headers on WebSockets). Only /api, /hubs and /openapi
/// accept a token: pages, /_blazor and account pages take the cookie only. The user must still exist and not be
/// banned; the principal is built as for a cookie sign-in (so roles apply) plus the token's id and scope.
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
        if (PresentedToken(Request) is not { } presented || !ApiTokenClaims.IsTokenPath(Request.Path))
        {
            return AuthenticateResult.NoResult();
        }

        if (await tokens.FindOwnerAsync(presented, Context.RequestAborted) is not { } owner)
        {
            return AuthenticateResult.Fail("Unknown or revoked API token.");
        }

        var user = await users.FindByIdAsync(owner.UserId);
        // Lockout is not checked: sign-in failures must not let an attacker switch off the owner's tokens.
        if (user is null || user.IsBanned)
        {
            return AuthenticateResult.Fail("The token's user cannot sign in.");
        }

        var principal = await principals.CreateAsync(user);
        ((ClaimsIdentity)principal.Identity!).AddClaims([new Claim(ApiTokenClaims.TokenId, owner.TokenId.ToString("D")), new Claim(ApiTokenClaims.Scope, owner.Scope)]);
        // A short ticket life as a backstop to ApiTokenConnections: hub connections close when it ends
        // (CloseOnAuthenticationExpiration) and reconnect through this check; never beyond the token's own expiry.
        var expires = clock.GetUtcNow().Add(TicketLifetime);
        var properties = new AuthenticationProperties { ExpiresUtc = owner.ExpiresAt is { } tokenEnd && tokenEnd < expires ? tokenEnd : expires };
        return AuthenticateResult.Success(new AuthenticationTicket(principal, properties, SchemeName));
    }
}
