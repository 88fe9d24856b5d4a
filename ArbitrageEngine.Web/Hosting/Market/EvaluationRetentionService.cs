using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>Deletes evaluation results older than Market:EvaluationRetentionDays (default 30), every six hours.</summary>
public sealed partial class EvaluationRetentionService(MarketDatabase database, IOptions<MarketOptions> options, TimeProvider clock, ILogger<EvaluationRetentionService> logger, SystemStatus.JobRegistry jobs) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(6), clock);
        jobs.Register("evaluation-retention", "signal_evaluations older than Market:EvaluationRetentionDays deleted", TimeSpan.FromHours(6));
        do
        {
            try
            {
                jobs.Started("evaluation-retention");
                var store = await database.PaperAsync(stoppingToken);
                var cutoff = clock.GetUtcNow().AddDays(-options.Value.EvaluationRetentionDays).ToUnixTimeMilliseconds();
                var deleted = await store.DeleteEvaluationsBeforeAsync(cutoff, stoppingToken);
                LogDeleted(logger, deleted, options.Value.EvaluationRetentionDays);
                jobs.Succeeded("evaluation-retention", $"deleted {deleted} evaluations");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                jobs.Failed("evaluation-retention", ex);
                LogFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Count} evaluations older than {Days} days")]
    private static partial void LogDeleted(ILogger logger, int count, int days);

    [LoggerMessage(Level = LogLevel.Error, Message = "Evaluation retention failed; retrying in six hours")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
