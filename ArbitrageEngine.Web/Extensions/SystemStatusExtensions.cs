using ArbitrageEngine.Web.SystemStatus;
using ArbitrageEngine.Web.SystemStatus.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ArbitrageEngine.Web.Extensions;

public static class SystemStatusExtensions
{
    /// <summary>Readiness checks (database, collectors, engine tick age), the job registry and the /system page's services.</summary>
    public static IHostApplicationBuilder AddSystemStatus(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<JobRegistry>();
        builder.Services.AddSingleton<DatabaseReadinessCheck>();
        builder.Services.AddSingleton<CollectorsHealthCheck>();
        builder.Services.AddSingleton<EngineTickHealthCheck>();
        builder.Services.AddSingleton<MetricsHistory>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MetricsHistory>());
        builder.Services.AddSingleton<SystemStatusService>();
        return builder;
    }

    /// <summary>/health/live and /health/ready.</summary>
    public static WebApplication UseSystemStatus(this WebApplication app) => app.MapReadiness();
}
