using ArbitrageEngine.Web.Funding;
using ArbitrageEngine.Web.SystemStatus;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ArbitrageEngine.Web.Extensions;

public static class FundingExtensions
{
    /// <summary>Funding statistics for the /funding page and the hourly funding job (settlements, back-fill, signal, retention).</summary>
    public static IHostApplicationBuilder AddFunding(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FundingOptions>().BindConfiguration(FundingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<FundingService>();
        builder.Services.AddSingleton<FundingJobService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FundingJobService>());
        builder.Services.TryAddSingleton<JobRegistry>();
        return builder;
    }
}
