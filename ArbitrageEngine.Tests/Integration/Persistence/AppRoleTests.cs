using ArbitrageEngine.Engine.Persistence.Local;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Persistence;

/// <summary>Issue 14 finding 9: on its own cluster the app connects as a non-superuser that cannot touch the audit guard.</summary>
public sealed class AppRoleTests
{
    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task Start_OwnCluster_AppRoleNotSuperuserAndCannotDisableAuditTrigger()
    {
        var root = Path.Combine(Path.GetTempPath(), $"ae-role-{Guid.NewGuid():N}");
        var dataDirectory = Path.Combine(root, "pg");
        try
        {
            var settings = new Dictionary<string, string> { ["LocalPostgres:DataDirectory"] = dataDirectory, ["LocalPostgres:Port"] = "0" };
            for (var start = 0; start < 2; start++) // the second start: an existing database is re-prepared and re-sealed
            {
                await using var app = new TestApp("", settings: settings);
                using var client = app.CreateClient();
                Assert.True((await client.GetAsync("/health")).IsSuccessStatusCode);
                var cs = app.Services.GetRequiredService<DatabaseEndpoint>().ConnectionString;

                Assert.Equal(LocalPostgres.AppRole, new NpgsqlConnectionStringBuilder(cs).Username);
                Assert.Equal(false, await ScalarAsync(cs, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
                var denied = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(cs, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete"));
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
                await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(cs, "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$"));
                await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(cs, "TRUNCATE audit_log"));
                Assert.True((long)(await ScalarAsync(cs, "SELECT count(*) FROM audit_log"))! > 0);
                await ScalarAsync(cs, "INSERT INTO audit_log (actor, action, target_type, at) VALUES ('t', 'test', 'none', now())");
            }

            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dataDirectory + ".password"));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dataDirectory + ".app-password"));
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
