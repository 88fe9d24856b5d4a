using ArbitrageEngine.Web.Accounts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using ArbitrageEngine.Web.Components.Formatting;

namespace ArbitrageEngine.Web.Components.Shared;

/// <summary>
/// Base for interactive pages and components that call services: each operation runs its service in a fresh DI
/// scope (a circuit lives for hours and components call concurrently; a DbContext must not be shared) and knows
/// who acts from where, for the audit log.
/// </summary>
public abstract class DataPage : ComponentBase
{
    [Inject]
    protected IServiceScopeFactory ScopeFactory { get; set; } = default!;

    [Inject]
    protected ClientConnection Connection { get; set; } = default!;

    [CascadingParameter]
    protected Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>Beijing time (default) or UTC, chosen in the app bar.</summary>
    [CascadingParameter]
    protected TimeZoneChoice Zone { get; set; } = TimeZoneChoice.Beijing;

    protected async Task<TResult> RunAsync<TService, TResult>(Func<TService, Task<TResult>> action)
        where TService : notnull
    {
        await using var scope = ScopeFactory.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    protected async Task<AuditActor> ActorAsync() => AuditActor.From((await AuthenticationState).User, Connection.Ip);
}
