using System.Data;
using System.Threading.Channels;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Persistence;
using ArbitrageEngine.Engine.Persistence.Engine;
using ArbitrageEngine.Web.Persistence;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Engine.Persistence.Strategies;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>
/// The live host of the engine loop (architecture.md): it only starts, supervises and stops. A start (and every
/// restart after a fault) is a new session: strategies and the pending commands already contained in them are read in
/// one snapshot, open positions and cooldowns are restored, <see cref="EngineBootstrap"/> warms the loop up from
/// storage, the session is journalled, then the configured source runs into the loop under the wall-clock tick source
/// (<see cref="WallClockTicks"/>). Persistence, the live read model and the notifier all subscribe to the loop's one
/// event stream.
/// </summary>
public sealed partial class MarketPipelineService(
    IOptions<MarketOptions> marketOptions,
    IOptions<PaperOptions> paperOptions,
    MarketDatabase database,
    MarketSourceFactory sources,
    LiveEngineState live,
    LiveNotifier notifier,
    EngineCommandQueue commands,
    PipelineMetrics metrics,
    IServiceScopeFactory scopes,
    MarketClock clock,
    ILoggerFactory loggerFactory,
    ILogger<MarketPipelineService> logger) : BackgroundService
{
    /// <summary>Trades waiting for the database beyond which reading pauses while the database is healthy.</summary>
    private const int BackPressureTrades = 500_000;

    public EngineLoop? Loop { get; private set; }

    public IMarketSource? Source { get; private set; }

    public AggTradeWriter? TradeWriter { get; private set; }

    public MarketDataWriter? DataWriter { get; private set; }

    public EnginePersistence? Persistence { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                break;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                live.Phase = PipelinePhase.Faulted;
                live.LastError = ex.Message;
                LogFaulted(logger, ex, delay.TotalSeconds);
                await Task.Delay(delay, TimeProvider.System, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 60));
            }
        }

        live.Phase = PipelinePhase.Stopped;
    }

    /// <summary>Engine settings from configuration (the one place they are built for the live loop).</summary>
    public static EngineSettings EngineSettingsFrom(MarketOptions o) => new()
    {
        Symbols = o.Symbols,
        EvalIntervalMs = o.EvalIntervalSeconds * 1000L,
        WarmupMs = (long)(o.WarmupHours * 3_600_000),
    };

    public static PaperSettings PaperSettingsFrom(PaperOptions paper) => new()
    {
        Enabled = paper.Enabled,
        RiskPerTrade = paper.RiskPerTrade,
        FeeRate = paper.FeeRate,
        MaxPositions = paper.MaxPositions,
        BeBufferAtr = paper.BeBufferAtr,
    };

    private async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var o = marketOptions.Value;
        live.Phase = PipelinePhase.Starting;
        live.Reset();
        var dataSource = await database.DataSourceAsync(stoppingToken);
        var trades = await database.TradesAsync(stoppingToken);
        var marketData = await database.MarketDataAsync(stoppingToken);
        var features = await database.FeaturesAsync(stoppingToken);
        var paperStore = await database.PaperAsync(stoppingToken);
        var dataset = await database.DatasetAsync(stoppingToken);
        var journal = new EngineJournal(dataSource, dataset.Id);
        var writer = TradeWriter = new AggTradeWriter(trades, new AggTradeWriterOptions(), loggerFactory.CreateLogger<AggTradeWriter>());
        var dataWriter = DataWriter = new MarketDataWriter(marketData, loggerFactory.CreateLogger<MarketDataWriter>());
        long enqueued = 0;
        var persistence = Persistence = new EnginePersistence(
            paperStore, journal, () => Interlocked.Read(ref enqueued), () => writer.Written + writer.Duplicates + writer.Dropped,
            loggerFactory.CreateLogger<EnginePersistence>(), notifier.Publish);

        var settings = EngineSettingsFrom(o);
        var broker = new PaperBroker(PaperSettingsFrom(paperOptions.Value));
        var loop = new EngineLoop(settings, broker, new EngineEventFanOut(live, persistence, notifier), logger: loggerFactory.CreateLogger<EngineLoop>());

        // One snapshot: the strategies this session starts with and the pending commands already contained in them.
        var sessionId = Guid.CreateVersion7();
        var (strategies, appliedAtStart) = await LoadStrategiesAsync(o.Symbols, sessionId, stoppingToken);
        loop.Load(strategies, appliedAtStart);

        // Restart recovery: open positions keep being managed (only trades after their last processed one act on
        // them), cooldowns hold, ids continue.
        broker.NextPositionId = await paperStore.MaxPositionIdAsync(stoppingToken) + 1;
        foreach (var (position, _) in await paperStore.LoadOpenAsync(stoppingToken))
        {
            if (loop.Engine.StrategyById(position.StrategyId) is not null)
            {
                broker.Track(position);
                live.Restored(position.ToSnapshot());
            }
        }

        var lastSignals = await paperStore.LoadLastSignalsAsync(stoppingToken);
        foreach (var (strategyId, lastSignal) in lastSignals)
        {
            loop.Engine.RestoreLastSignal(strategyId, lastSignal);
        }

        live.RunningStrategies = loop.Engine.RunningCount;
        persistence.StartSession(sessionId, lastSignals);
        Loop = loop;

        // Warm-up from storage before the first evaluation.
        live.Phase = PipelinePhase.WarmingUp;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        loop.StartSession(sessionId, now);
        var warmup = await EngineBootstrap.WarmUpAsync(loop, trades, features, now, null, stoppingToken);
        await journal.InsertSessionAsync(new SessionRecord(sessionId, now, warmup, strategies, appliedAtStart), stoppingToken);
        if (logger.IsEnabled(LogLevel.Information))
        {
            LogWarmedUp(logger, warmup.Sum(w => w.Trades), string.Join(", ", warmup.Select(w => $"{w.Symbol}={w.Trades}")));
        }

        var lastStored = await LastStoredAsync(trades, o.Symbols, stoppingToken);
        var source = Source = sources.Create(lastStored);

        // Where the source's catch-up starts: the oldest symbol's last stored trade, else the simulated backfill's start.
        var backfillFrom = lastStored.Count > 0 ? lastStored.Values.Min(t => t.TimeMs) : now - (long)(o.Simulated.BackfillHours * 3_600_000);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var channel = Channel.CreateBounded<MarketEvent>(new BoundedChannelOptions(200_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        var writerTask = writer.RunAsync(stop.Token);
        var persistenceTask = persistence.RunAsync(stop.Token);
        var dataTask = dataWriter.RunAsync(stop.Token);
        var sourceTask = source is null ? Task.CompletedTask : RunSourceAsync(source, channel.Writer, stop.Token);
        using var gauges = new CompositeDisposable(
            metrics.TrackQueue("pipeline_input", () => channel.Reader.Count),
            metrics.TrackQueue("trade_writer", () => writer.Buffered),
            metrics.TrackDropped("trade_writer", () => writer.Dropped),
            metrics.TrackQueue("market_data_writer", () => dataWriter.Buffered),
            metrics.TrackDropped("market_data_writer", () => dataWriter.Dropped),
            metrics.TrackQueue("paper_persistence", () => persistence.Pending),
            metrics.TrackDropped("paper_persistence_dead_letters", () => persistence.DeadLettered),
            metrics.TrackDropped("paper_persistence_evaluations_shed", () => persistence.EvaluationsShed),
            metrics.TrackQueue("live_notifier", () => notifier.Pending),
            metrics.TrackDropped("live_notifier", () => notifier.Dropped));

        var ticks = new WallClockTicks(loop, clock, o.TickGraceMs, () => source?.Watermark ?? long.MaxValue, new WallClockHooks
        {
            Applied = (e, accepted) =>
            {
                if (!accepted)
                {
                    return;
                }

                if (e.Kind == MarketEventKind.Trade)
                {
                    writer.Enqueue(e.Symbol, e.Trade);
                    Interlocked.Increment(ref enqueued);
                    live.OnTradeApplied(e.Symbol, e.Trade.Price, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
                }
                else
                {
                    dataWriter.Offer(e);
                }
            },
            Paused = () => writer.Buffered > BackPressureTrades && writer.LastError is null,
            BeforeTick = _ => commands.DrainTo(loop),
            TickRan = (tick, durationMs) =>
            {
                if (live.Phase == PipelinePhase.WarmingUp)
                {
                    // The first evaluated tick: every trade up to it is applied, the backfill has reached the present.
                    live.Phase = PipelinePhase.Live;
                    live.LiveSinceMs = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
                }

                notifier.EndTick(tick, durationMs);
                live.OnTickDone(tick, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), durationMs);
                metrics.RecordTick(durationMs);
                writer.FlushSoon();
            },
        }, loggerFactory.CreateLogger<WallClockTicks>());

        try
        {
            // Warming up until the first tick can be evaluated (the source's backfill has reached the present).
            live.WarmupProgressSource = () => source is null || source.Watermark == long.MaxValue
                ? null
                : Progress(backfillFrom, source.Watermark, clock.GetUtcNow().ToUnixTimeMilliseconds());
            if (source is null)
            {
                live.Phase = PipelinePhase.Live;
                live.LiveSinceMs = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
            }

            await ticks.RunAsync(channel.Reader, stop.Token);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(sourceTask, writerTask, dataTask, persistenceTask).ContinueWith(_ => { }, TaskScheduler.Default);
            using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await persistence.DrainAsync(drain.Token);
            (source as IDisposable)?.Dispose();
        }
    }

    private async Task RunSourceAsync(IMarketSource source, ChannelWriter<MarketEvent> output, CancellationToken ct)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await source.RunAsync(output, ct);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogSourceFaulted(logger, ex, source.Name, delay.TotalSeconds);
                await Task.Delay(delay, TimeProvider.System, ct).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 60));
            }
        }
    }

    /// <summary>
    /// Seeds the factory grid on first start, then reads every strategy and claims the pending commands (their effect
    /// is in the rows) in one repeatable-read transaction, so a command committed meanwhile is either in both or in neither.
    /// </summary>
    private async Task<(IReadOnlyList<StrategyDefinition> Strategies, IReadOnlyList<Guid> Applied)> LoadStrategiesAsync(
        IReadOnlyCollection<string> symbols, Guid sessionId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ArbitrageDbContext>();
        if (marketOptions.Value.SeedFactoryStrategies)
        {
            var seeded = await StrategySeeder.SeedIfEmptyAsync(db, symbols, TimeProvider.System.GetUtcNow(), ct);
            if (seeded > 0)
            {
                LogSeeded(logger, seeded);
            }
        }

        await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var rows = await db.Strategies.AsNoTracking().OrderBy(s => s.CreatedAt).ThenBy(s => s.StrategyId).ToListAsync(ct);
        var applied = await EngineJournal.ClaimPendingAsync((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)tx.GetDbTransaction(), sessionId, ct);
        await tx.CommitAsync(ct);
        var result = new List<StrategyDefinition>(rows.Count);
        foreach (var row in rows)
        {
            try
            {
                result.Add(StrategyRowMapper.ToDefinition(row));
            }
            catch (FormatException ex)
            {
                LogBadStrategy(logger, ex, row.StrategyId);
            }
        }

        return (result, applied);
    }

    /// <summary>Share of [from, now] the watermark has covered (a source that has not reported yet counts as 0).</summary>
    internal static double? Progress(long fromMs, long watermarkMs, long nowMs) =>
        watermarkMs == long.MinValue ? 0
        : nowMs <= fromMs ? 1
        : Math.Clamp((watermarkMs - fromMs) / (double)(nowMs - fromMs), 0, 1);

    private static async Task<IReadOnlyDictionary<string, AggTrade>> LastStoredAsync(AggTradeStore trades, IEnumerable<string> symbols, CancellationToken ct)
    {
        var result = new Dictionary<string, AggTrade>(StringComparer.Ordinal);
        foreach (var symbol in symbols)
        {
            if (await trades.LastTradeAsync(symbol, ct) is { } last)
            {
                result[symbol] = last;
            }
        }

        return result;
    }

    private sealed class CompositeDisposable(params IDisposable[] parts) : IDisposable
    {
        public void Dispose()
        {
            foreach (var part in parts)
            {
                part.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Market pipeline faulted; restarting in {Seconds} s")]
    private static partial void LogFaulted(ILogger logger, Exception ex, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Market source {Source} faulted; restarting it in {Seconds} s")]
    private static partial void LogSourceFaulted(ILogger logger, Exception ex, string source, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Engine warmed up with {Trades} stored trades ({PerSymbol})")]
    private static partial void LogWarmedUp(ILogger logger, long trades, string perSymbol);

    [LoggerMessage(Level = LogLevel.Information, Message = "First start: seeded {Count} factory strategies")]
    private static partial void LogSeeded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stored strategy {StrategyId} is invalid and was not loaded")]
    private static partial void LogBadStrategy(ILogger logger, Exception ex, Guid strategyId);
}
