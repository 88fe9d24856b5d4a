using System.Globalization;
using ArbitrageEngine.Engine.Funding;
using ArbitrageEngine.Engine.Market.Binance;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Live;
using ArbitrageEngine.Web.SystemStatus;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Funding;

/// <summary>
/// The hourly funding job: records passed settlements from the stored live snapshots, back-fills the rate history from
/// Binance REST (Binance source only; resumable and weight-limited), checks the arbitrage signal of every symbol (7-day
/// annualised ≥ threshold) into its history and announces a signal that turned on, and deletes snapshots past their
/// retention. Reports every pass to the <see cref="JobRegistry"/>.
/// </summary>
public sealed partial class FundingJobService(
    MarketDatabase database,
    IOptions<FundingOptions> options,
    IOptions<MarketOptions> market,
    IConfiguration configuration,
    LiveNotifier notifier,
    JobRegistry jobs,
    TimeProvider clock,
    ILogger<FundingJobService> logger) : BackgroundService
{
    public const string JobName = "funding";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMinutes(options.Value.CheckIntervalMinutes);
        jobs.Register(JobName, "Funding: settlements from snapshots, REST back-fill, arbitrage signal check, snapshot retention", interval);
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            try
            {
                await jobs.RunAsync(JobName, () => RunOnceAsync(stoppingToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass; returns a one-line result for the System page.</summary>
    public async Task<string?> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        var dataSource = await database.DataSourceAsync(ct);
        var rates = new FundingRateStore(dataSource);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var recorded = await rates.RecordFromSnapshotsAsync(now - (o.SnapshotRetentionDays * FundingService.DayMs), now, ct);

        long backfilled = 0;
        if (o.Backfill && market.Value.Source == MarketSourceKind.Binance)
        {
            var binance = configuration.GetSection($"{MarketOptions.SectionName}:Binance").Get<BinanceOptions>() ?? new BinanceOptions();
            using var http = BinanceRestClient.CreateHttpClient(binance);
            var backfill = new FundingBackfill(new BinanceRestClient(http, binance, clock), rates, clock, TimeSpan.FromMilliseconds(o.BackfillPageDelayMs));
            foreach (var symbol in market.Value.Symbols)
            {
                backfilled += await backfill.RunAsync(symbol, null, ct);
            }
        }

        var signals = new FundingSignalStore(dataSource);
        var on = new List<string>();
        foreach (var symbol in market.Value.Symbols)
        {
            var check = await CheckAsync(rates, symbol, now, o.SignalThresholdPct, o.Fee, ct);
            var previous = await signals.LatestAsync(symbol, ct);
            await signals.AddAsync(check, ct);
            if (check.Signal)
            {
                on.Add(symbol);
                if (previous is not { Signal: true })
                {
                    notifier.Publish(new FundingSignalEvent(symbol, check.AnnualisedPct7d, check.ThresholdPct, check.Settlements, check.CheckedMs));
                }
            }
        }

        var deleted = await new FundingSnapshotStore(dataSource).DeleteBeforeAsync(now - (o.SnapshotRetentionDays * FundingService.DayMs), ct);
        return string.Create(CultureInfo.InvariantCulture,
            $"settlements recorded {recorded}, back-filled {backfilled}, signals on: {(on.Count == 0 ? "none" : string.Join(", ", on))}, snapshots deleted {deleted}");
    }

    /// <summary>The 7 days up to <paramref name="nowMs"/> (wall clock: a history that stopped in the past gives no signal).</summary>
    public static async Task<FundingSignalCheck> CheckAsync(FundingRateStore rates, string symbol, long nowMs, double thresholdPct, double fee, CancellationToken ct)
    {
        var week = await rates.ReadAsync(symbol, nowMs - (7 * FundingService.DayMs) + 1, nowMs, ct);
        var stats = FundingStatistics.Window(week, long.MinValue, long.MaxValue - 1, "7d", fee);
        return new FundingSignalCheck(symbol, nowMs, stats.Settlements, stats.MeanRate, stats.AnnualisedPct, thresholdPct,
            stats.Settlements > 0 && stats.AnnualisedPct >= thresholdPct);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Funding job failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
