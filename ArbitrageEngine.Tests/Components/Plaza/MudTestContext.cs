using Microsoft.Extensions.DependencyInjection;
using Bunit;
using MudBlazor.Services;

namespace ArbitrageEngine.Tests.Components.Plaza;

/// <summary>
/// bUnit context with MudBlazor services. Some MudBlazor services are async-disposable only, so disposal must go
/// through DisposeAsync (xunit 2 calls IAsyncLifetime.DisposeAsync before Dispose, which then has nothing left to do).
/// </summary>
public abstract class MudTestContext : BunitContext, IAsyncLifetime
{
    protected MudTestContext()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();
}
