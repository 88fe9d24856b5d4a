using System.Net;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Components;
using Microsoft.AspNetCore.HttpOverrides;
using ArbitrageEngine.Web.Localization;
using MudBlazor.Services;

namespace ArbitrageEngine.Web.Extensions;

public static class WebUiExtensions
{
    /// <summary>Razor components (static SSR for account pages, interactive server for the rest) and MudBlazor.</summary>
    public static IHostApplicationBuilder AddWebUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        // Behind a proxy, only the configured proxies' X-Forwarded-For/-Proto are believed (real client address in the
        // audit log and the rate limits); with none configured the headers are ignored.
        var proxies = builder.Configuration.GetSection(AccountsOptions.SectionName + ":KnownProxies").Get<string[]>() ?? [];
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = proxies.Length > 0 ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            foreach (var proxy in proxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });
        return builder;
    }

    /// <summary>The request pipeline: errors, static assets, auth, antiforgery, pages, account endpoints and /health.</summary>
    public static WebApplication UseWebUi(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        // HTTPS redirection only when the app is served over TLS (an https URL or port is configured).
        if (app.Configuration["https_port"] is { Length: > 0 } || (app.Configuration["urls"] ?? "").Contains("https://", StringComparison.OrdinalIgnoreCase))
        {
            app.UseHttpsRedirection();
        }

        // Unknown pages get the app's own not-found page (signed in or not); API and hub clients keep bare status codes.
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hubs")
                || !HttpMethods.IsGet(context.Request.Method))
            {
                context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>()?.Enabled = false;
            }

            return next(context);
        });
        app.UseAuthentication();
        app.UseAccountSecurity();
        app.UseAuthorization();
        app.UseAppLocalization();
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapAccountEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        // No route matched: answer 404 (re-executed as the not-found page above) instead of sending anonymous users to log in.
        app.MapFallback(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }).AllowAnonymous();
        return app;
    }
}
