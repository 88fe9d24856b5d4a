using ArbitrageEngine.Web.Persistence;
using ArbitrageEngine.Engine.Persistence.Local;
using ArbitrageEngine.Web.Hosting;

namespace ArbitrageEngine.Web.Extensions;

public static class PersistenceExtensions
{
    /// <summary>PostgreSQL (configured or the project's own cluster), EF Core context, migrations at start, /health check.</summary>
    public static IHostApplicationBuilder AddPersistence(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LocalPostgresOptions>()
            .BindConfiguration(LocalPostgresOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<DatabaseEndpoint>();
        builder.Services.AddHostedService<DatabaseStartup>();
        builder.Services.AddDbContext<ArbitrageDbContext>((sp, options) =>
            ArbitrageDbContext.Configure(options, sp.GetRequiredService<DatabaseEndpoint>().ConnectionString));
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return builder;
    }
}
