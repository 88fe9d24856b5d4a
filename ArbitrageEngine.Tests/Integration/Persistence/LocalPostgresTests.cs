using ArbitrageEngine.Engine.Persistence.Local;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Persistence;

public sealed class LocalPostgresTests
{
    [Fact]
    public void FindBinDirectory_MachineWithPostgres_FindsInitdbAndPgCtl()
    {
        var bin = LocalPostgres.FindBinDirectory();

        Assert.NotNull(bin);
        Assert.True(File.Exists(Path.Combine(bin, "initdb")));
    }

    [Fact]
    public async Task StartAsync_FreshDirectory_InitialisesServesOnLoopbackAndStops()
    {
        var root = Path.Combine(Path.GetTempPath(), $"ae-localpg-{Guid.NewGuid():N}");
        var server = new LocalPostgres(new LocalPostgresOptions { DataDirectory = Path.Combine(root, "pg"), Port = 0, Database = "app_db" });
        try
        {
            var connectionString = await server.StartAsync();

            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT current_database() || ' ' || current_setting('listen_addresses') || ' ' || current_setting('unix_socket_directories')", connection);
                var facts = (string)(await command.ExecuteScalarAsync())!;
                Assert.Equal($"app_db 127.0.0.1 {server.DataDirectory}", facts);
            }

            Assert.True(File.Exists(Path.Combine(root, "pg", "PG_VERSION")));
            await server.StopAsync();
            Assert.False(File.Exists(Path.Combine(root, "pg", "postmaster.pid")));
        }
        finally
        {
            await server.StopAsync();
            Directory.Delete(root, recursive: true);
        }
    }
}
