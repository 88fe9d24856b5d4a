using System.Net;
using ArbitrageEngine.Web.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ArbitrageEngine.Tests.Infrastructure;

/// <summary>
/// The real app (Program) on a test database. With <paramref name="kestrel"/> it listens on a random 127.0.0.1 port
/// so a real browser can reach it; otherwise it runs in the in-memory TestServer.
/// The admin password is fixed for tests through configuration (<c>Seed:AdminPassword</c>), never in app code.
/// </summary>
public sealed class TestApp(string connectionString, bool kestrel = false, IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    public const string AdminUserName = "admin";
    public const string AdminPassword = "test-admin-pass-1";

    public string ConnectionString { get; } = connectionString;

    /// <summary>Base address of the Kestrel server (kestrel mode only).</summary>
    public Uri ServerAddress
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address.EndsWith('/') ? address : address + "/");
        }
    }

    public ArbitrageDbContext CreateDbContext() => PostgresFixture.CreateContext(ConnectionString);

    public AsyncServiceScope CreateScope() => Services.CreateAsyncScope();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (kestrel)
        {
            this.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        }

        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Default", ConnectionString);
        builder.UseSetting("Seed:AdminPassword", AdminPassword);
        // No market source unless a test asks for one: account and admin tests need no 24 h simulated backfill.
        builder.UseSetting("Market:Source", "None");
        // Every test client comes from the same address; tests of the sign-in limits set their own values.
        builder.UseSetting("Accounts:AttemptsPerAddressPerMinute", "10000");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }
}
