using ArbitrageEngine.Web.Persistence;
using ArbitrageEngine.Engine.Persistence.Local;
using ArbitrageEngine.Web.Hosting;
using Microsoft.EntityFrameworkCore;

namespace ArbitrageEngine.Web.Cli;

/// <summary>
/// The database for verbs that need one, chosen like the web app does: <c>ConnectionStrings:Default</c> when set,
/// otherwise the project's own cluster (started for the verb and stopped after it, or reused — and left
/// running — when the app already runs it). Migrations are applied first.
/// </summary>
public sealed class CliDatabase : IAsyncDisposable
{
    // Stopped in DisposeAsync unless it was adopted from the running app, which must keep it.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213", Justification = "An adopted cluster belongs to the running app")]
    private LocalPostgres? _local;

    public required string ConnectionString { get; init; }

    /// <summary>The configuration the verb runs with (appsettings.json and environment), e.g. to know the configured market source.</summary>
    public IConfiguration Configuration { get; init; } = new ConfigurationBuilder().Build();

    public static async Task<CliDatabase> OpenAsync(CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();

        LocalPostgres? local = null;
        var connectionString = configuration.GetConnectionString("Default");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var options = configuration.GetSection(LocalPostgresOptions.SectionName).Get<LocalPostgresOptions>() ?? new LocalPostgresOptions();
            options.DataDirectory = Path.GetFullPath(options.DataDirectory, DatabaseStartup.ProjectRoot(Directory.GetCurrentDirectory()));
            local = new LocalPostgres(options);
            connectionString = await local.StartAsync(cancellationToken);
        }

        var builder = new DbContextOptionsBuilder<ArbitrageDbContext>();
        ArbitrageDbContext.Configure(builder, connectionString);
        await using (var db = new ArbitrageDbContext(builder.Options))
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        return new CliDatabase { ConnectionString = connectionString, Configuration = configuration, _local = local };
    }

    public async ValueTask DisposeAsync()
    {
        if (_local is { Adopted: false })
        {
            await _local.StopAsync();
        }
    }
}
