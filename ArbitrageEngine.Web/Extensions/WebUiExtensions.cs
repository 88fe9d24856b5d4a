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

        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAppLocalization();
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapAccountEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
