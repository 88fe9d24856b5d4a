using ArbitrageEngine.Web.Persistence;
using ArbitrageEngine.Web.Persistence.Entities;
using ArbitrageEngine.Web.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

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

        // Requests presenting an API token use the token scheme; everything else the Identity cookie.
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieOrToken;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddPolicyScheme(CookieOrToken, CookieOrToken, options => options.ForwardDefaultSelector = context =>
                ApiTokenAuthenticationHandler.PresentedToken(context.Request) is null ? IdentityConstants.ApplicationScheme : ApiTokenAuthenticationHandler.SchemeName)
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
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
                options.Password.RequiredLength = 8;
                options.Password.RequireDigit = true;
                options.Password.RequireLowercase = true;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.User.RequireUniqueEmail = false;
                options.SignIn.RequireConfirmedAccount = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ArbitrageDbContext>()
            .AddSignInManager<AppSignInManager>()
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
        services.AddHostedService<AdminBootstrap>();
        return builder;
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
        endpoints.MapPost("/account/logout", async (SignInManager<AppUser> signInManager, [FromForm] string? returnUrl) =>
        {
            await signInManager.SignOutAsync();
            return TypedResults.LocalRedirect(LoginPath);
        });
        return endpoints;
    }
}
