extern alias web;

using ArbitrageEngine.Engine.Persistence.Local;
using Microsoft.EntityFrameworkCore;
using web::ArbitrageEngine.Web.Persistence;

namespace ArbitrageEngine.Benchmarks.Storage;

/// <summary>The throwaway PostgreSQL cluster the storage benchmarks run on: a temp folder, a free port, the app's schema.</summary>
internal static class BenchDatabase
{
    /// <summary>A cluster in a new temp folder named after <paramref name="name"/> (not started yet).</summary>
    public static (string Root, LocalPostgres Postgres) Create(string name)
    {
        var root = Path.Combine(Path.GetTempPath(), $"ae-{name}-bench-{Guid.NewGuid():N}");
        return (root, new LocalPostgres(new LocalPostgresOptions { DataDirectory = Path.Combine(root, "pg"), Port = 0, Database = "bench" }));
    }

    /// <summary>Starts the cluster and applies the app's migrations; returns the connection string.</summary>
    public static async Task<string> StartMigratedAsync(LocalPostgres postgres)
    {
        var cs = await postgres.StartAsync();
        var builder = new DbContextOptionsBuilder<ArbitrageDbContext>();
        ArbitrageDbContext.Configure(builder, cs);
        await using var db = new ArbitrageDbContext(builder.Options);
        await db.Database.MigrateAsync();
        return cs;
    }

    /// <summary>Stops the cluster and deletes its folder (best effort).</summary>
    public static async Task RemoveAsync(LocalPostgres postgres, string root)
    {
        await postgres.StopAsync();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file still held open: the temp folder is cleaned by the system later.
        }
    }
}
