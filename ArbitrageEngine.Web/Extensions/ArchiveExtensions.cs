using ArbitrageEngine.Engine.Persistence.Local;
using ArbitrageEngine.Web.Hosting;
using ArbitrageEngine.Web.Hosting.Archive;

namespace ArbitrageEngine.Web.Extensions;

public static class ArchiveExtensions
{
    /// <summary>Retention per dataset (Market:Retention) and the trade archive job (Market:Archive).</summary>
    public static IHostApplicationBuilder AddTradeArchive(this IHostApplicationBuilder builder)
    {
        var root = DatabaseStartup.ProjectRoot(builder.Environment.ContentRootPath);
        builder.Services.AddOptions<RetentionOptions>()
            .BindConfiguration(RetentionOptions.SectionName)
            .Validate(o => o.Datasets.Values.All(d => d is >= 1 and <= 36_500), "Market:Retention:Datasets:<name> must be between 1 and 36500 days.")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<ArchiveOptions>()
            .BindConfiguration(ArchiveOptions.SectionName)
            .PostConfigure(o => o.Root = ResolveRoot(builder.Configuration, o.Root, root))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<ArchiveService>();
        return builder;
    }

    /// <summary>The archive folder: configured (relative to <paramref name="projectRoot"/>) or <c>archive</c> beside the local PostgreSQL data folder.</summary>
    public static string ResolveRoot(IConfiguration configuration, string configured, string projectRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured, projectRoot);
        }

        var pg = configuration[LocalPostgresOptions.SectionName + ":DataDirectory"] is { Length: > 0 } d ? d : new LocalPostgresOptions().DataDirectory;
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(pg, projectRoot))!, "archive");
    }
}
