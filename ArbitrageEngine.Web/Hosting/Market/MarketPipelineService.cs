using System.Diagnostics;
using System.Threading.Channels;
using ArbitrageEngine.Engine.Engine;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Web.Persistence;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Engine.Persistence.Strategies;
using ArbitrageEngine.Engine.State;
using ArbitrageEngine.Engine.Strategies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>
/// The live pipeline (architecture.md): source → engine (trades in order per symbol, paper exits on every
/// trade) → evaluation ticks on the wall-clock cadence → storage. It warms the engine up from the last 24 h of
/// stored trades, then starts the configured source (the simulated one resumes where the stored history ends).
/// A live tick at T waits a short grace for trades stamped ≤ T and holds back anything newer, so a live run and a
/// replay of the same stored data evaluate the same trades. Faults are logged and the pipeline restarts.
/// </summary>
public sealed partial class MarketPipelineService(
    IOptions<MarketOptions> marketOptions,
    IOptions<PaperOptions> paperOptions,
    MarketDatabase database,
    MarketSourceFactory sources,
    LiveEngineState live,
    ArbitrageEngine.Web.Live.LiveNotifier notifier,
    EngineCommandQueue commands,
    PipelineMetrics metrics,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILoggerFactory loggerFactory,
    ILogger<MarketPipelineService> logger) : BackgroundService
{
    /// <summary>Trades waiting for the database beyond which reading pauses while the database is healthy.</summary>
    private const int BackPressureTrades = 500_000;

    public SignalEngine? Engine { get; private set; }

    public IMarketSource? Source { get; private set; }

    public AggTradeWriter? TradeWriter { get; private set; }

    public MarketDataWriter? DataWriter { get; private set; }

    public PaperPersistenceSink? Persistence { get; private set; }

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
                await Task.Delay(delay, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 60));
            }
        }

        live.Phase = PipelinePhase.Stopped;
    }

    private async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var o = marketOptions.Value;
        var paper = paperOptions.Value;
        live.Phase = PipelinePhase.Starting;
        var trades = await database.TradesAsync(stoppingToken);
        var marketData = await database.MarketDataAsync(stoppingToken);
        var paperStore = await database.PaperAsync(stoppingToken);
        var persistence = Persistence = new PaperPersistenceSink(paperStore, loggerFactory.CreateLogger<PaperPersistenceSink>(), notifier.Publish);

        var settings = new EngineSettings
        {
            Symbols = o.Symbols,
            EvalIntervalMs = o.EvalIntervalSeconds * 1000L,
            WarmupMs = (long)(o.WarmupHours * 3_600_000),
        };
        var engine = new SignalEngine(settings, new PaperSettings
        {
            Enabled = paper.Enabled,
            RiskPerTrade = paper.RiskPerTrade,
            FeeRate = paper.FeeRate,
            MaxPositions = paper.MaxPositions,
            BeBufferAtr = paper.BeBufferAtr,
        }, new CompositeEventSink(live, persistence, notifier), loggerFactory.CreateLogger<SignalEngine>());
        foreach (var strategy in await LoadStrategiesAsync(o.Symbols, stoppingToken))
        {
            engine.UpsertStrategy(strategy);
        }

        // Restart recovery: open positions keep being managed, cooldowns hold, ids continue.
        engine.Broker.NextPositionId = await paperStore.MaxPositionIdAsync(stoppingToken) + 1;
        foreach (var (position, _) in await paperStore.LoadOpenAsync(stoppingToken))
        {
            if (engine.StrategyById(position.StrategyId) is not null)
            {
                engine.Broker.Track(position);
                live.OnPositionOpened(position);
            }
        }

        foreach (var (strategyId, lastSignal) in await paperStore.LoadLastSignalsAsync(stoppingToken))
        {
            engine.RestoreLastSignal(strategyId, lastSignal);
        }

        live.RunningStrategies = engine.Strategies.Count(s => s.Status == StrategyStatus.Running);
        Engine = engine;

        // Warm-up from storage before the first evaluation.
        live.Phase = PipelinePhase.WarmingUp;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var warmup = await EngineWarmup.LoadAsync(engine, trades, now, stoppingToken);
        if (logger.IsEnabled(LogLevel.Information))
        {
            LogWarmedUp(logger, warmup.Sum(w => w.Trades), string.Join(", ", warmup.Select(w => $"{w.Symbol}={w.Trades}")));
        }

        var source = Source = sources.Create(await LastStoredAsync(trades, o.Symbols, stoppingToken));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var writer = TradeWriter = new AggTradeWriter(trades, new AggTradeWriterOptions(), loggerFactory.CreateLogger<AggTradeWriter>());
        var dataWriter = DataWriter = new MarketDataWriter(marketData, loggerFactory.CreateLogger<MarketDataWriter>());
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
            metrics.TrackQueue("live_notifier", () => notifier.Pending),
            metrics.TrackDropped("live_notifier", () => notifier.Dropped));

        try
        {
            live.Phase = PipelinePhase.Live;
            live.LiveSinceMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
            await LoopAsync(engine, channel.Reader, writer, dataWriter, settings.EvalIntervalMs, o.TickGraceMs, stop.Token);
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

    private async Task LoopAsync(SignalEngine engine, ChannelReader<MarketEvent> reader, AggTradeWriter writer, MarketDataWriter dataWriter, long intervalMs, int graceMs, CancellationToken ct)
    {
        var held = new Queue<MarketEvent>();
        var nextTick = ((clock.GetUtcNow().ToUnixTimeMilliseconds() / intervalMs) + 1) * intervalMs;
        while (!ct.IsCancellationRequested)
        {
            var wall = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var wait = nextTick + graceMs - wall;
            if (wait <= 0)
            {
                commands.Drain(engine);
                live.RunningStrategies = engine.Strategies.Count(s => s.Status == StrategyStatus.Running);
                var sw = Stopwatch.StartNew();
                engine.Tick(nextTick);
                Persistence?.EndTick(nextTick, engine.LastSignals, engine.Strategies.Where(s => s.Status == StrategyStatus.Running).Select(s => s.StrategyId));
                var durationMs = sw.Elapsed.TotalMilliseconds;
                notifier.EndTick(nextTick, durationMs);
                live.OnTickDone(nextTick, clock.GetUtcNow().ToUnixTimeMilliseconds(), durationMs);
                metrics.RecordTick(durationMs);
                nextTick += intervalMs;
                if (wall - nextTick > 4 * intervalMs)
                {
                    // After a stall, skip the missed ticks rather than evaluating a burst of stale ones.
                    nextTick = ((wall / intervalMs) + 1) * intervalMs;
                }

                while (held.Count > 0 && held.Peek().TimeMs <= nextTick)
                {
                    Apply(engine, held.Dequeue(), writer, dataWriter);
                }

                continue;
            }

            if (writer.Buffered > BackPressureTrades && writer.LastError is null)
            {
                // The database is healthy but behind (a backfill): let it catch up instead of dropping trades.
                await Task.Delay(TimeSpan.FromMilliseconds(20), clock, ct);
                continue;
            }

            if (reader.TryRead(out var e))
            {
                if (held.Count > 0 || e.TimeMs > nextTick)
                {
                    held.Enqueue(e);
                }
                else
                {
                    Apply(engine, e, writer, dataWriter);
                }

                continue;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(1, wait)));
            try
            {
                if (!await reader.WaitToReadAsync(timeout.Token))
                {
                    // The source finished (only replays do): keep ticking on the clock.
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, wait)), clock, ct);
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // Time to tick.
            }
        }
    }

    private void Apply(SignalEngine engine, in MarketEvent e, AggTradeWriter writer, MarketDataWriter dataWriter)
    {
        try
        {
            switch (e.Kind)
            {
                case MarketEventKind.Trade:
                    if (engine.OnTrade(e.Symbol, e.Trade) == TradeAcceptance.Accepted)
                    {
                        writer.Enqueue(e.Symbol, e.Trade);
                        live.OnTradeApplied(e.Symbol, e.Trade.Price, clock.GetUtcNow().ToUnixTimeMilliseconds());
                        notifier.OnPrice(e.Symbol, e.Trade.Price, e.Trade.TimeMs);
                    }

                    break;
                case MarketEventKind.Feature:
                    if (engine.OnFeature(e.Symbol, e.Feature, e.Value, e.TimeMs))
                    {
                        dataWriter.Offer(e);
                    }

                    break;
                default:
                    dataWriter.Offer(e);
                    break;
            }
        }
        catch (Exception ex)
        {
            LogEventFailed(logger, ex, e.Kind.ToString(), e.Symbol);
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
                await Task.Delay(delay, clock, ct).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 60));
            }
        }
    }

    private async Task<IReadOnlyList<StrategyDefinition>> LoadStrategiesAsync(IReadOnlyCollection<string> symbols, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ArbitrageDbContext>();
        if (marketOptions.Value.SeedFactoryStrategies)
        {
            var seeded = await StrategySeeder.SeedIfEmptyAsync(db, symbols, clock.GetUtcNow(), ct);
            if (seeded > 0)
            {
                LogSeeded(logger, seeded);
            }
        }

        var rows = await db.Strategies.AsNoTracking().OrderBy(s => s.CreatedAt).ThenBy(s => s.StrategyId).ToListAsync(ct);
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

        return result;
    }

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

    [LoggerMessage(Level = LogLevel.Error, Message = "Engine failed on a {Kind} event for {Symbol}; event skipped")]
    private static partial void LogEventFailed(ILogger logger, Exception ex, string kind, string symbol);

    [LoggerMessage(Level = LogLevel.Information, Message = "Engine warmed up with {Trades} stored trades ({PerSymbol})")]
    private static partial void LogWarmedUp(ILogger logger, long trades, string perSymbol);

    [LoggerMessage(Level = LogLevel.Information, Message = "First start: seeded {Count} factory strategies")]
    private static partial void LogSeeded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stored strategy {StrategyId} is invalid and was not loaded")]
    private static partial void LogBadStrategy(ILogger logger, Exception ex, Guid strategyId);
}
