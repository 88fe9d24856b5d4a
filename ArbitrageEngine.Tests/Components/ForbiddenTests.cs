using Microsoft.Extensions.DependencyInjection;
using ArbitrageEngine.Web.Components.Shared;
using Bunit;
using MudBlazor.Services;

namespace ArbitrageEngine.Tests.Components;

public sealed class ForbiddenTests : BunitContext
{
    public ForbiddenTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void Render_Always_Says403()
    {
        var cut = Render<Forbidden>();

        Assert.Contains("403", cut.Find("[data-testid=forbidden]").TextContent);
    }
}
