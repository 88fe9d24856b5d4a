using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Components.Pages.Plaza;
using ArbitrageEngine.Web.Hosting.Market;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;
using MudBlazor.Services;

namespace ArbitrageEngine.Tests.Components.StrategyForm;

/// <summary>Page states that need no database (StrategyService is deliberately not registered).</summary>
public sealed class StrategyPagesTests : BunitContext, IAsyncLifetime
{
    public StrategyPagesTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        Services.AddLogging();
        Services.AddScoped<ClientConnection>();
        Services.Configure<MarketOptions>(o => o.Symbols = ["SOLUSDT", "BTCUSDT"]);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => base.DisposeAsync().AsTask();

    [Fact]
    public void Edit_DataCallThrows_ShowsErrorStateWithoutForm()
    {
        var cut = Render<StrategyEdit>(p => p.Add(c => c.Id, Guid.NewGuid()));

        cut.WaitForElement("[data-testid=page-error]");
        Assert.Empty(cut.FindAll("[data-testid=strategy-form]"));
        Assert.Empty(cut.FindAll("[data-testid=page-loading]"));
    }

    [Fact]
    public void New_FirstConfiguredSymbol_PreselectedWithItsRecommendedGates()
    {
        var cut = Render<StrategyNew>();

        Assert.Equal("SOLUSDT", cut.FindComponents<MudSelect<string>>().Single().Instance.GetState(x => x.Value));
        Assert.Equal("0.45", cut.Find("input[data-testid=field-obi_threshold]").GetAttribute("value"));
        Assert.Equal("Create and start", cut.Find("[data-testid=form-submit]").TextContent.Trim());
    }
}
