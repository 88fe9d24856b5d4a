using ArbitrageEngine.Web.Evolve;
using ArbitrageEngine.Web.SystemStatus;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ArbitrageEngine.Web.Extensions;

public static class EvolveExtensions
{
    /// <summary>Auto-evolve (evolve.md): runs, reports, the daily schedule (registered with the job registry) and progress.</summary>
    public static IHostApplicationBuilder AddEvolve(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EvolveOptions>().BindConfiguration(EvolveOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<EvolveStore>();
        builder.Services.AddSingleton<EvolveReads>();
        builder.Services.TryAddSingleton(_ => new ArbitrageEngine.Web.Backtests.ResearchThreads());
        builder.Services.AddSingleton<EvolveBacktests>();
        builder.Services.AddSingleton<EvolveProgress>();
        builder.Services.AddSingleton<EvolveRunner>();
        builder.Services.AddScoped<EvolvePlanner>();
        builder.Services.AddScoped<EvolveApplier>();
        builder.Services.AddSingleton<EvolveScheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EvolveScheduler>());
        builder.Services.TryAddSingleton<JobRegistry>();
        return builder;
    }

    public static WebApplication MapEvolve(this WebApplication app)
    {
        EvolveEndpoints.MapEvolve(app);
        return app;
    }
}
