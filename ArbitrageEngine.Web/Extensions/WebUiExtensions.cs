using ArbitrageEngine.Web.Components;
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
        return builder;
    }

    /// <summary>The request pipeline: errors, static assets, auth, antiforgery, pages, account endpoints and /health.</summary>
    public static WebApplication UseWebUi(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
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
