using System.Net;
using ArbitrageEngine.Web.Persistence.Entities;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Hosting;

public sealed class DatabaseStartupTests
{
    [Fact]
    public async Task Start_NoConnectionString_StartsOwnClusterMigratesSeedsAndStopsOnShutdown()
    {
        var root = Path.Combine(Path.GetTempPath(), $"ae-app-{Guid.NewGuid():N}");
        var dataDirectory = Path.Combine(root, "pg");
        string connectionString;
        try
        {
            await using (var app = new TestApp("", settings: new Dictionary<string, string>
            {
                ["LocalPostgres:DataDirectory"] = dataDirectory,
                ["LocalPostgres:Port"] = "0",
            }))
            {
                using var client = app.CreateClient();
                using var health = await client.GetAsync("/health");
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);

                connectionString = app.Services.GetRequiredService<DatabaseEndpoint>().ConnectionString;
                Assert.Contains("Host=127.0.0.1", connectionString, StringComparison.Ordinal);
                await using var db = PostgresFixture.CreateContext(connectionString);
                var admin = await db.Users.SingleAsync(u => u.UserName == TestApp.AdminUserName);
                var adminRole = await db.Roles.SingleAsync(r => r.Name == Roles.Admin);
                Assert.True(await db.UserRoles.AnyAsync(ur => ur.UserId == admin.Id && ur.RoleId == adminRole.Id));
                Assert.True(await db.InviteCodes.AnyAsync(c => c.CreatedBy == "system" && c.Active && c.MaxUses == 1));
                Assert.True(File.Exists(Path.Combine(dataDirectory, "postmaster.pid")));
            }

            Assert.False(File.Exists(Path.Combine(dataDirectory, "postmaster.pid")));
            await using var connection = new NpgsqlConnection(connectionString);
            await Assert.ThrowsAnyAsync<Exception>(() => connection.OpenAsync());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Start_SecondStartOnSameData_ReusesClusterAndKeepsTheOneAdmin()
    {
        var root = Path.Combine(Path.GetTempPath(), $"ae-app-{Guid.NewGuid():N}");
        var settings = new Dictionary<string, string> { ["LocalPostgres:DataDirectory"] = Path.Combine(root, "pg"), ["LocalPostgres:Port"] = "0" };
        try
        {
            for (var run = 0; run < 2; run++)
            {
                await using var app = new TestApp("", settings: settings);
                var connectionString = await app.Services.GetRequiredService<DatabaseEndpoint>().Ready;
                await using var db = PostgresFixture.CreateContext(connectionString);
                Assert.Equal(1, await db.Users.CountAsync());
                Assert.Equal(1, await db.InviteCodes.CountAsync());
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
