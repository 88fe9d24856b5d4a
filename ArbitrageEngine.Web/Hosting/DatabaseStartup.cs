using ArbitrageEngine.Web.Persistence;
using ArbitrageEngine.Engine.Persistence.Local;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Hosting;

/// <summary>
/// Runs first at start-up: starts the project's own PostgreSQL when no connection string is configured, applies the
/// EF Core migrations, and stops that cluster (pg_ctl stop -m fast) when the application shuts down.
/// </summary>
public sealed partial class DatabaseStartup(
    DatabaseEndpoint endpoint,
    IOptions<LocalPostgresOptions> localOptions,
    IHostEnvironment environment,
    IServiceScopeFactory scopeFactory,
    ILoggerFactory loggerFactory,
    ILogger<DatabaseStartup> logger) : IHostedLifecycleService, IAsyncDisposable
{
    private LocalPostgres? local;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connectionString = endpoint.Configured;
            if (connectionString is null)
            {
                var options = localOptions.Value;
                var resolved = new LocalPostgresOptions
                {
                    DataDirectory = Path.GetFullPath(options.DataDirectory, ProjectRoot(environment.ContentRootPath)),
                    Port = options.Port,
                    BinDirectory = options.BinDirectory,
                    Database = options.Database,
                    TimeoutSeconds = options.TimeoutSeconds,
                };
                local = new LocalPostgres(resolved, loggerFactory.CreateLogger<LocalPostgres>());
                await local.StartAsync(cancellationToken);
                // The app (and its migrations) run as a non-superuser owner role, not as the cluster's superuser.
                connectionString = await local.PrepareAppRoleAsync(cancellationToken);
            }
            else
            {
                LogExternal(logger);
            }

            endpoint.SetReady(connectionString);

            await using var scope = scopeFactory.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ArbitrageDbContext>();
            await db.Database.MigrateAsync(cancellationToken);
            if (local is not null)
            {
                await local.SealAuditLogAsync(cancellationToken);
            }

            LogMigrated(logger);
        }
        catch (Exception ex)
        {
            endpoint.SetFailed(ex);
            throw;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // The cluster stops only after every hosted service, the web host included, has stopped: pages and background
    // loops still finishing a query during shutdown no longer hit a database that is already gone.
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (local is not null)
        {
            await local.StopAsync(CancellationToken.None);
            local = null;
        }
    }

    /// <summary>A host that never reached <see cref="StoppedAsync"/> (failed start) still stops its cluster.</summary>
    public async ValueTask DisposeAsync()
    {
        if (local is not null)
        {
            await local.DisposeAsync();
            local = null;
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Relative data paths are relative to the repository (the folder holding ArbitrageEngine.sln), else the content root.</summary>
    internal static string ProjectRoot(string contentRoot)
    {
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ArbitrageEngine.sln")))
            {
                return dir.FullName;
            }
        }

        return contentRoot;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Using the configured database (ConnectionStrings:Default); no local PostgreSQL is started")]
    private static partial void LogExternal(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is up to date")]
    private static partial void LogMigrated(ILogger logger);
}
