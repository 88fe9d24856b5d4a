namespace ArbitrageEngine.Tests.Infrastructure;

/// <summary>
/// Base for tests needing the app's services on a fresh, migrated database of their own (one per test class
/// instance; xunit creates one instance per test, so every test gets a clean database).
/// </summary>
[Collection(PostgresCollection.Name)]
public abstract class AppTest(PostgresFixture postgres, bool kestrel = false) : IAsyncLifetime
{
    protected PostgresFixture Postgres { get; } = postgres;

    protected TestApp App { get; private set; } = default!;

    /// <summary>Extra configuration for the app (e.g. the simulated market); none by default.</summary>
    protected virtual IReadOnlyDictionary<string, string>? Settings => null;

    public virtual async Task InitializeAsync()
    {
        var connectionString = await Postgres.CreateDatabaseAsync(GetType().Name.ToLowerInvariant());
        App = new TestApp(connectionString, kestrel, Settings);
        // Touching Services builds and starts the host: migrations and admin bootstrap run now.
        _ = App.Services;
    }

    public virtual async Task DisposeAsync() => await App.DisposeAsync();
}
