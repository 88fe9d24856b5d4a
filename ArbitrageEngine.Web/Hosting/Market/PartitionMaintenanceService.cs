namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>Creates the monthly agg_trades partitions ahead (this month and the next two), hourly — never per write.</summary>
public sealed partial class PartitionMaintenanceService(MarketDatabase database, TimeProvider clock, ILogger<PartitionMaintenanceService> logger, SystemStatus.JobRegistry jobs) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        jobs.Register("partitions", "agg_trades monthly partitions ensured ahead (this month and the next two)", TimeSpan.FromHours(1));
        do
        {
            try
            {
                jobs.Started("partitions");
                var store = await database.TradesAsync(stoppingToken);
                var now = clock.GetUtcNow();
                await store.EnsurePartitionsAsync(now.ToUnixTimeMilliseconds(), now.AddMonths(2).ToUnixTimeMilliseconds(), stoppingToken);
                LogEnsured(logger, now);
                jobs.Succeeded("partitions", $"ensured {now:yyyy-MM} to {now.AddMonths(2):yyyy-MM}");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                jobs.Failed("partitions", ex);
                LogFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "agg_trades partitions ensured from {Now:yyyy-MM} for the next two months")]
    private static partial void LogEnsured(ILogger logger, DateTimeOffset now);

    [LoggerMessage(Level = LogLevel.Error, Message = "agg_trades partition maintenance failed; retrying in an hour")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
