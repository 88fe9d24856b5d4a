using ArbitrageEngine.Web.Persistence;
using ArbitrageEngine.Engine.Persistence.Local;
using ArbitrageEngine.Web.Hosting;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

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
        AddDataProtectionKeys(builder);
        return builder;
    }

    /// <summary>
    /// Data Protection keys (cookies, antiforgery, 2FA cookies) under the data folder with a fixed application name, so
    /// sign-ins survive restarts, redeploys and moving the app to another folder. <c>DataProtection:CertificatePath</c>
    /// (a PFX, optional <c>DataProtection:CertificatePassword</c>) encrypts the keys at rest.
    /// </summary>
    private static void AddDataProtectionKeys(IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration["DataProtection:KeysDirectory"];
        var keys = configured is { Length: > 0 }
            ? Path.GetFullPath(configured, DatabaseStartup.ProjectRoot(builder.Environment.ContentRootPath))
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(
                builder.Configuration[LocalPostgresOptions.SectionName + ":DataDirectory"] is { Length: > 0 } pg ? pg : new LocalPostgresOptions().DataDirectory,
                DatabaseStartup.ProjectRoot(builder.Environment.ContentRootPath)))!, "keys");
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("ArbitrageEngine").PersistKeysToFileSystem(new DirectoryInfo(keys));
        if (builder.Configuration["DataProtection:CertificatePath"] is { Length: > 0 } certificate)
        {
            dataProtection.ProtectKeysWithCertificate(X509CertificateLoader.LoadPkcs12FromFile(certificate, builder.Configuration["DataProtection:CertificatePassword"]));
        }
    }
}
