using System.Security.Claims;
using ArbitrageEngine.Web.Persistence.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Accounts;

/// <summary>
/// Per-request account rules that Identity's policies cannot express: read-only tokens may only read; cookie requests
/// that change state on /api must come from this origin (CSRF) and cookie hub connections from this origin; a user with
/// the printed bootstrap password is sent to change it; an admin without two-factor is sent to enrol when required.
/// </summary>
public sealed class AccountGuardMiddleware(RequestDelegate next, IOptions<AccountsOptions> options, TwoFactorPolicy twoFactor)
{
    public const string CsrfHeader = "X-Requested-With";

    public async Task InvokeAsync(HttpContext context, UserManager<AppUser> users)
    {
        var request = context.Request;
        var user = context.User;
        var authenticated = user.Identity?.IsAuthenticated == true;
        var viaToken = ApiTokenClaims.TokenIdOf(user) is not null;
        var isApi = request.Path.StartsWithSegments("/api");
        var changesState = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));

        if (isApi && changesState && !LimitBody(context, options.Value.MaxApiBodyBytes))
        {
            await Problem(context, StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {options.Value.MaxApiBodyBytes} bytes.");
            return;
        }

        if (viaToken && isApi && changesState && ApiTokenClaims.IsReadOnly(user))
        {
            await Problem(context, StatusCodes.Status403Forbidden, "This API token is read-only.");
            return;
        }

        if (!viaToken && authenticated && ((isApi && changesState && !SameOriginOrHeader(request)) || (request.Path.StartsWithSegments("/hubs") && !SameOriginOrAbsent(request))))
        {
            await Problem(context, StatusCodes.Status403Forbidden, $"Cross-origin request refused: send it from this site (Origin) or with the {CsrfHeader} header.");
            return;
        }

        if (authenticated && !viaToken && !IsExempt(request.Path))
        {
            if (user.HasClaim(c => c.Type == AccountClaims.MustChangePassword))
            {
                await Divert(context, isApi, "/account/change-password", "Change the password printed at first start before using the app.");
                return;
            }

            if (options.Value.RequireAdminTwoFactor && user.IsInRole(Roles.Admin) && await twoFactor.AnyAdminEnrolledAsync(context.RequestAborted)
                && !request.Path.StartsWithSegments("/account/two-factor")
                && await users.GetUserAsync(user) is { TwoFactorEnabled: false })
            {
                await Divert(context, isApi, "/account/two-factor", "Admins must set up two-factor sign-in first.");
                return;
            }
        }

        await next(context);
    }

    /// <summary>Refuses a declared oversized body at once and caps an undeclared (chunked) one where the server allows.</summary>
    private static bool LimitBody(HttpContext context, long max)
    {
        if (context.Request.ContentLength > max)
        {
            return false;
        }

        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = max;
        }

        return true;
    }

    /// <summary>Same origin by Origin header, or (no Origin, e.g. a script) the custom header a cross-site form cannot send.</summary>
    internal static bool SameOriginOrHeader(HttpRequest request) =>
        request.Headers.Origin.Count > 0 ? IsSameOrigin(request) : request.Headers.ContainsKey(CsrfHeader);

    private static bool SameOriginOrAbsent(HttpRequest request) => request.Headers.Origin.Count == 0 || IsSameOrigin(request);

    private static bool IsSameOrigin(HttpRequest request) =>
        Uri.TryCreate(request.Headers.Origin.ToString(), UriKind.Absolute, out var origin)
        && string.Equals(origin.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(origin.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);

    /// <summary>Paths a diverted user still needs: the account pages, sign-out and static files.</summary>
    private static bool IsExempt(PathString path) =>
        path.StartsWithSegments("/account/change-password") || path.StartsWithSegments("/account/logout") || path.StartsWithSegments("/account/login")
        || path.StartsWithSegments("/_content") || path.StartsWithSegments("/_framework") || path.StartsWithSegments("/health")
        || (path.Value is { } value && Path.HasExtension(value));

    private static Task Divert(HttpContext context, bool isApi, string page, string message)
    {
        if (isApi || context.Request.Path.StartsWithSegments("/hubs") || context.Request.Path.StartsWithSegments("/_blazor"))
        {
            return Problem(context, StatusCodes.Status403Forbidden, message);
        }

        context.Response.Redirect(page);
        return Task.CompletedTask;
    }

    private static Task Problem(HttpContext context, int status, string detail) =>
        Results.Problem(detail: detail, statusCode: status).ExecuteAsync(context);
}

/// <summary>Whether any admin has enrolled two-factor (cached briefly: asked on admin page requests).</summary>
public sealed class TwoFactorPolicy(IServiceScopeFactory scopes, TimeProvider clock)
{
    private (bool Value, DateTimeOffset At)? cached;

    public void Invalidate() => cached = null;

    public async Task<bool> AnyAdminEnrolledAsync(CancellationToken ct)
    {
        if (cached is { } c && c.Value || (cached is { } d && clock.GetUtcNow() - d.At < TimeSpan.FromSeconds(30)))
        {
            return cached!.Value.Value;
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var any = (await users.GetUsersInRoleAsync(Roles.Admin)).Any(u => u.TwoFactorEnabled);
        cached = (any, clock.GetUtcNow());
        return any;
    }
}
