using System.Globalization;
using ArbitrageEngine.Engine.Persistence.Archive;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Web.Hosting.Market;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Hosting.Archive;

/// <summary>
/// The archive job (backtest.md §8): every <see cref="ArchiveOptions.IntervalMinutes"/>, for every dataset, moves the
/// complete UTC days older than its retention (<see cref="RetentionOptions"/>) from PostgreSQL into the trade archive
/// (<see cref="TradeArchiver"/>: written, verified, recorded, then deleted). Reported to the System page as <c>archive</c>.
/// </summary>
public sealed partial class ArchiveService(
    MarketDatabase database,
    IOptions<ArchiveOptions> archiveOptions,
    IOptions<RetentionOptions> retentionOptions,
    TimeProvider clock,
    MarketClock marketClock,
    ILogger<ArchiveService> logger,
    SystemStatus.JobRegistry jobs) : BackgroundService
{
    public const string JobName = "archive";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = archiveOptions.Value;
        jobs.Register(JobName, options.Enabled
            ? $"trades older than Market:Retention moved to the archive ({options.Root})"
            : "disabled (Market:Archive:Enabled=false): trades stay in PostgreSQL", TimeSpan.FromMinutes(options.IntervalMinutes));
        if (!options.Enabled)
        {
            return;
        }

        await Task.Delay(TimeSpan.FromSeconds(options.StartDelaySeconds), clock, stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.IntervalMinutes), clock);
        do
        {
            try
            {
                jobs.Started(JobName);
                var result = await RunOnceAsync(stoppingToken);
                jobs.Succeeded(JobName, result);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                jobs.Failed(JobName, ex);
                LogFailed(logger, ex, options.IntervalMinutes);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass over every dataset; returns the summary shown on the System page.</summary>
    public async Task<string> RunOnceAsync(CancellationToken cancellationToken)
    {
        var dataSource = await database.DataSourceAsync(cancellationToken);
        await database.DatasetAsync(cancellationToken); // claims the pending dataset first: its name names the folder
        var archiver = new TradeArchiver(dataSource, archiveOptions.Value.Root);
        // Market time: a scaled simulated market (tests, demos) ages its days faster than the wall clock.
        var now = marketClock.GetUtcNow().ToUnixTimeMilliseconds();
        var total = ArchivePassResult.None;
        foreach (var dataset in await (await database.DatasetsAsync(cancellationToken)).ListAsync(cancellationToken))
        {
            var days = retentionOptions.Value.DaysFor(dataset);
            var result = await archiver.ArchiveAsync(dataset, now - (days * ArchiveEntry.DayMs), null,
                (entry, deleted) => LogArchived(logger, dataset.Name, entry.Symbol, entry.Day, entry.File.Rows, entry.File.Bytes, deleted), cancellationToken);
            total = total.Add(result);
        }

        var totals = await new ArchiveManifest(dataSource).TotalsAsync(cancellationToken);
        return string.Create(CultureInfo.InvariantCulture,
            $"archived {total.Files} days ({total.Rows} trades, {total.Bytes} bytes, {total.DeletedRows} rows deleted); archive holds {totals.Sum(t => t.Files)} files, {totals.Sum(t => t.Rows)} trades, {totals.Sum(t => t.Bytes)} bytes");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Archived {Dataset} {Symbol} {Day}: {Rows} trades in {Bytes} bytes, {Deleted} rows deleted from PostgreSQL")]
    private static partial void LogArchived(ILogger logger, string dataset, string symbol, DateOnly day, long rows, long bytes, long deleted);

    [LoggerMessage(Level = LogLevel.Error, Message = "Archive pass failed; retrying in {Minutes} minutes")]
    private static partial void LogFailed(ILogger logger, Exception ex, int minutes);
}
