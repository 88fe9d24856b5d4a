using ArbitrageEngine.Web.Api;
using ArbitrageEngine.Web.Backtests;
using ArbitrageEngine.Web.SystemStatus;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ArbitrageEngine.Web.Extensions;

public static class BacktestExtensions
{
    /// <summary>Saved backtest runs: the store, the worker (a registered job), the progress notifier and the page's reads.</summary>
    public static IHostApplicationBuilder AddBacktests(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BacktestJobOptions>().BindConfiguration(BacktestJobOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // The planner's limits (Backtest:MaxCombinations) share the section.
        builder.Services.AddOptions<ArbitrageEngine.Engine.Backtest.BacktestOptions>().BindConfiguration(BacktestJobOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<JobRegistry>();
        builder.Services.TryAddSingleton(_ => new ResearchThreads());
        builder.Services.AddSingleton<BacktestDatabase>();
        builder.Services.AddSingleton<BacktestNotifier>();
        builder.Services.AddSingleton<BacktestReads>();
        builder.Services.AddSingleton<BacktestSpecResolver>();
        builder.Services.AddSingleton<IBacktestJobs, BacktestJobs>();
        builder.Services.AddSingleton<BacktestWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BacktestWorker>());
        builder.Services.AddSingleton<BacktestService>();
        return builder;
    }

    /// <summary>/api/backtests.</summary>
    public static WebApplication MapBacktests(this WebApplication app)
    {
        app.MapBacktestApi();
        return app;
    }
}
