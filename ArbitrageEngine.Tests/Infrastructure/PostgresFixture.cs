using ArbitrageEngine.Web.Persistence;
using ArbitrageEngine.Engine.Persistence.Local;
using Microsoft.EntityFrameworkCore;

namespace ArbitrageEngine.Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL cluster for the whole test run (temp directory, random loopback port), started with the
/// same <see cref="LocalPostgres"/> launcher the app uses. Each test class asks for its own fresh database.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly string root = Path.Combine(Path.GetTempPath(), $"ae-tests-{Guid.NewGuid():N}");
    private LocalPostgres? server;
    private int counter;

    public LocalPostgres Server => server ?? throw new InvalidOperationException("Fixture not initialised.");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(root);
        server = new LocalPostgres(new LocalPostgresOptions { DataDirectory = Path.Combine(root, "pg"), Port = 0, Database = "postgres" });
        await server.StartAsync();
        // Safety net: if the test host exits without running fixture clean-up, still stop the cluster.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopAsync().Wait(TimeSpan.FromSeconds(20));
    }

    /// <summary>A new empty database with a unique name; returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref counter)}_{Guid.NewGuid():N}".ToLowerInvariant();
        return Server.CreateDatabaseAsync(name[..Math.Min(name.Length, 60)]);
    }

    /// <summary>A new database with every migration applied.</summary>
    public async Task<string> CreateMigratedDatabaseAsync(string prefix = "t")
    {
        var connectionString = await CreateDatabaseAsync(prefix);
        await using var db = CreateContext(connectionString);
        await db.Database.MigrateAsync();
        return connectionString;
    }

    public static ArbitrageDbContext CreateContext(string connectionString)
    {
        var builder = new DbContextOptionsBuilder<ArbitrageDbContext>();
        ArbitrageDbContext.Configure(builder, connectionString);
        return new ArbitrageDbContext(builder.Options);
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.StopAsync();
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
