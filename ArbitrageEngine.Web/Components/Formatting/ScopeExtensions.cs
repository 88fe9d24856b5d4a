namespace ArbitrageEngine.Web.Components.Formatting;

/// <summary>
/// Runs one data call in its own DI scope. A Blazor circuit lives for hours and its components call services
/// concurrently; a fresh scope per call gives each call its own DbContext (never shared across awaits).
/// </summary>
public static class ScopeExtensions
{
    public static async Task<TResult> RunAsync<TService, TResult>(this IServiceScopeFactory scopes, Func<TService, Task<TResult>> work)
        where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
