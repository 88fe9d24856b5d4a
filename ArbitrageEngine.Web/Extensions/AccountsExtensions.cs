using ArbitrageEngine.Web.Localization;
using ArbitrageEngine.Web.Persistence;
using ArbitrageEngine.Web.Persistence.Entities;
using ArbitrageEngine.Web.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using System.Globalization;
using System.Threading.RateLimiting;

namespace ArbitrageEngine.Web.Extensions;

public static class AccountsExtensions
{
    public const string LoginPath = "/account/login";
    public const string AccessDeniedPath = "/account/access-denied";

    /// <summary>Identity with cookies, lockout, ban handling, roles, the fallback "signed in" policy and account services.</summary>
    public static IHostApplicationBuilder AddAccounts(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingAuthenticationStateProvider>();
        services.AddHttpContextAccessor();
        services.AddOptions<AccountsOptions>().BindConfiguration(AccountsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // Requests presenting an API token on /api, /hubs or /openapi use the token scheme; everything else (pages,
        // /_blazor, account pages) only the Identity cookie, so a token never opens an interactive session.
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieOrToken;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddPolicyScheme(CookieOrToken, CookieOrToken, options => options.ForwardDefaultSelector = context =>
                ApiTokenClaims.IsTokenPath(context.Request.Path) && ApiTokenAuthenticationHandler.PresentedToken(context.Request) is not null
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = LoginPath;
            options.LogoutPath = "/account/logout";
            options.AccessDeniedPath = AccessDeniedPath;
            options.Cookie.Name = "ae.auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.SlidingExpiration = true;
            options.ExpireTimeSpan = TimeSpan.FromDays(7);
            // API and hub clients get status codes, not a redirect to the login page.
            options.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
        });
        // Check the security stamp (and ban flag) on every request: a ban signs the user out at the next request.
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.Zero);

        services.AddIdentityCore<AppUser>(options =>
            {
                // No hard lockout (it would let anyone keep an admin out): failures are counted and slowed down by
                // SignInThrottle, and sign-in posts are rate-limited per address and per account name.
                options.Lockout.MaxFailedAccessAttempts = int.MaxValue;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
                options.Password.RequiredLength = 12;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.User.RequireUniqueEmail = false;
                options.SignIn.RequireConfirmedAccount = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ArbitrageDbContext>()
            .AddSignInManager<AppSignInManager>()
            .AddPasswordValidator<CommonPasswordValidator>()
            .AddDefaultTokenProviders();

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        services.AddSingleton(TimeProvider.System);
        services.AddScoped<ClientConnection>();
        services.AddScoped<AuditLog>();
        services.AddScoped<InviteService>();
        services.AddScoped<RegistrationService>();
        services.AddScoped<UserAdminService>();
        services.AddScoped<ApiTokenService>();
        services.AddSingleton<ApiTokenConnections>();
        services.AddHostedService<ApiTokenRecheckService>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<TwoFactorPolicy>();
        services.AddScoped<StrategyQuota>();
        services.AddHostedService<AdminBootstrap>();
        AddAccountRateLimits(services);
        return builder;
    }

    /// <summary>Posts of the account forms, limited per client address and per account name (429 with a message).</summary>
    private static void AddAccountRateLimits(IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<AccountsOptions>>((options, accounts) =>
        {
            var perAddress = accounts.Value.AttemptsPerAddressPerMinute;
            var perAccount = accounts.Value.AttemptsPerAccountPer15Minutes;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => IsAccountPost(context)
                    ? RateLimitPartition.GetFixedWindowLimiter("address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "?"), _ =>
                        new FixedWindowRateLimiterOptions { PermitLimit = perAddress, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(context => IsAccountPost(context) && AccountName(context) is { } name
                    ? RateLimitPartition.GetFixedWindowLimiter("account:" + name, _ =>
                        new FixedWindowRateLimiterOptions { PermitLimit = perAccount, Window = TimeSpan.FromMinutes(15), QueueLimit = 0 })
                    : RateLimitPartition.GetNoLimiter("")));
            options.OnRejected = async (context, ct) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? (int)Math.Ceiling(retry.TotalSeconds) : 60;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await context.HttpContext.Response.WriteAsync(await AccountText.TooManyAttemptsAsync(context.HttpContext, seconds), ct);
            };
        });
    }

    private static readonly string[] AccountFormPaths =
        ["/account/login", "/account/register", "/account/change-password", "/account/login-2fa", "/account/login-recovery", "/account/two-factor"];

    private static bool IsAccountPost(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && AccountFormPaths.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>The account a post is about: the signed-in user, or the name typed on the sign-in/register form.</summary>
    private static string? AccountName(HttpContext context)
    {
        if (context.User.Identity is { IsAuthenticated: true, Name: { } signedIn })
        {
            return signedIn.ToUpperInvariant();
        }

        return context.Request.HasFormContentType && context.Request.Form.TryGetValue("Input.UserName", out var typed) && typed.ToString().Trim() is { Length: > 0 } name
            ? name.ToUpperInvariant()
            : null;
    }

    /// <summary>
    /// The account pipeline after authentication: the form of an account post is read first (the rate limiter's
    /// partition needs the typed name; Blazor reads the same buffered form), then limits, then the per-request rules.
    /// </summary>
    public static WebApplication UseAccountSecurity(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (IsAccountPost(context) && context.Request.HasFormContentType)
            {
                try
                {
                    await context.Request.ReadFormAsync(context.RequestAborted);
                }
                catch (InvalidDataException)
                {
                    // The form reader refuses NUL and similar characters: a clear 400, not a 500.
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    await context.Response.WriteAsync("The form contains characters that are not allowed (for example NUL). Go back and correct it.", context.RequestAborted);
                    return;
                }
            }

            await next(context);
        });
        app.UseRateLimiter();
        app.UseMiddleware<AccountGuardMiddleware>();
        return app;
    }

    private const string CookieOrToken = "CookieOrToken";

    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs"))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }

    /// <summary>Account endpoints that are not pages (logout is a POST with antiforgery).</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/account/logout", async (SignInManager<AppUser> signInManager, HttpContext http, [FromForm] string? returnUrl) =>
        {
            // A new security stamp ends this session server-side: a copied cookie fails the next stamp check.
            if (await signInManager.UserManager.GetUserAsync(http.User) is { } user)
            {
                await signInManager.UserManager.UpdateSecurityStampAsync(user);
            }

            await signInManager.SignOutAsync();
            return TypedResults.LocalRedirect(LoginPath);
        });
        return endpoints;
    }
}
