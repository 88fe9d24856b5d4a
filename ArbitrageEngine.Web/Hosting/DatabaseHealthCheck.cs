using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ArbitrageEngine.Web.Hosting;

/// <summary>Healthy when <c>SELECT 1</c> succeeds on the application's database.</summary>
public sealed class DatabaseHealthCheck(DatabaseEndpoint endpoint) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!endpoint.Ready.IsCompletedSuccessfully)
        {
            return HealthCheckResult.Unhealthy("Database not started yet.");
        }

        try
        {
            await using var connection = new NpgsqlConnection(endpoint.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (NpgsqlException ex)
        {
            return HealthCheckResult.Unhealthy("Database unreachable.", ex);
        }
    }
}
