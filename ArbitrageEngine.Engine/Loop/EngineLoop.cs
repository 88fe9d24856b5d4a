using System.Collections.Concurrent;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.State;
using ArbitrageEngine.Engine.Strategies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ArbitrageEngine.Engine.Loop;

/// <summary>Options of the loop that are not engine rules.</summary>
public sealed record EngineLoopOptions
{
    /// <summary>Publish <see cref="PriceChanged"/> at most this often per symbol, in event time (0 = never publish prices).</summary>
    public long PriceIntervalMs { get; init; } = 250;

    /// <summary>Publish a <see cref="SnapshotTaken"/> per symbol and tick.</summary>
    public bool PublishSnapshots { get; init; } = true;
}

/// <summary>
/// The one engine loop (backtest.md §1): the single writer of engine state. It applies market events (trades in
/// agg_id order per symbol, features as they arrive), applies queued <see cref="EngineCommand"/>s at tick boundaries
/// before scoring, runs ticks, and publishes one ordered stream of <see cref="EngineEvent"/>s. It never reads a clock:
/// a tick source decides when ticks happen — <see cref="EventTimeTicks"/> (replay, backtest, conformance, tests) or
/// <see cref="WallClockTicks"/> (live, with grace). Live, replay, backtest and conformance differ only in that and in
/// the source; the broker is injected (<see cref="IBroker"/>).
/// </summary>
public sealed partial class EngineLoop
{
    private readonly ConcurrentQueue<EngineCommand> _queued = new();
    private readonly HashSet<Guid> _appliedCommands = [];
    private readonly IEngineEventSink _sink;
    private readonly EngineLoopOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, long> _lastPricePublished = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long[]> _recordedFeatureTimes = new(StringComparer.Ordinal);

    public EngineLoop(EngineSettings settings, IBroker broker, IEngineEventSink? sink = null, EngineLoopOptions? options = null, ILogger? logger = null)
    {
        _sink = sink ?? NullEventSink.Instance;
        _options = options ?? new EngineLoopOptions();
        _logger = logger ?? NullLogger.Instance;
        Engine = new SignalEngine(settings, broker, _sink, _logger);
    }

    /// <summary>A loop with a fresh <see cref="PaperBroker"/>.</summary>
    public EngineLoop(EngineSettings settings, PaperSettings paper, IEngineEventSink? sink = null, EngineLoopOptions? options = null, ILogger? logger = null)
        : this(settings, new PaperBroker(paper), sink, options, logger)
    {
    }

    public SignalEngine Engine { get; }

    public EngineSettings Settings => Engine.Settings;

    public IBroker Broker => Engine.Broker;

    public long IntervalMs => Settings.EvalIntervalMs;

    public long LastTickMs { get; private set; } = long.MinValue;

    public long TicksRun { get; private set; }

    public long TicksSkipped { get; private set; }

    public long CommandsApplied { get; private set; }

    public long CommandsRejected { get; private set; }

    /// <summary>Commands submitted and not yet applied.</summary>
    public int PendingCommands => _queued.Count;

    /// <summary>First tick boundary strictly after <paramref name="timeMs"/>.</summary>
    public long NextBoundaryAfter(long timeMs) => (Math.DivRem(timeMs, IntervalMs, out var rem) + (rem < 0 ? 0 : 1)) * IntervalMs;

    /// <summary>Applies one market event; returns false when the engine refused it (duplicate, regression, out of range).</summary>
    public bool Apply(in MarketEvent e)
    {
        switch (e.Kind)
        {
            case MarketEventKind.Trade:
                if (Engine.OnTrade(e.Symbol, e.Trade) != TradeAcceptance.Accepted)
                {
                    return false;
                }

                if (_options.PriceIntervalMs > 0 &&
                    (!_lastPricePublished.TryGetValue(e.Symbol, out var last) || e.TimeMs - last >= _options.PriceIntervalMs))
                {
                    _lastPricePublished[e.Symbol] = e.TimeMs;
                    _sink.Publish(new PriceChanged(e.Symbol, e.Trade.Price, e.TimeMs));
                }

                return true;
            case MarketEventKind.Feature:
                return Engine.OnFeature(e.Symbol, e.Feature, e.Value, e.TimeMs);
            default:
                // Liquidations and funding snapshots reach the engine as features (sums, rate); the raw events are only stored.
                return true;
        }
    }

    /// <summary>Queues a command for the next tick (any thread).</summary>
    public void Submit(EngineCommand command) => _queued.Enqueue(command);

    /// <summary>
    /// Bootstrap: makes a strategy known without a command (strategies loaded from storage at session start). Commands
    /// whose effect is already contained in the loaded state are listed in <paramref name="alreadyApplied"/>, so a later
    /// duplicate submission of the same command is ignored.
    /// </summary>
    public void Load(IEnumerable<StrategyDefinition> strategies, IEnumerable<Guid>? alreadyApplied = null)
    {
        foreach (var strategy in strategies)
        {
            Engine.UpsertStrategy(strategy);
        }

        foreach (var id in alreadyApplied ?? [])
        {
            _appliedCommands.Add(id);
        }
    }

    /// <summary>
    /// Starts a session (live: after each (re)start; replay: at each recorded restart): fresh symbol states, to be warmed
    /// up from storage by <see cref="EngineBootstrap"/>. Strategies, positions, balances and cooldowns are kept.
    /// </summary>
    public void StartSession(Guid sessionId, long atMs)
    {
        Engine.ResetStates();
        _lastPricePublished.Clear();
        _recordedFeatureTimes.Clear();
        _sink.Publish(new SessionStarted(sessionId, atMs));
    }

    /// <summary>
    /// Runs the tick at <paramref name="tickMs"/>: applies every queued command (stamped with this tick), then timeouts,
    /// snapshots, scoring and decisions, then <see cref="TickCompleted"/>.
    /// </summary>
    public void Tick(long tickMs)
    {
        _sink.Publish(new TickStarted(tickMs));
        while (_queued.TryDequeue(out var command))
        {
            ApplyCommand(command, tickMs);
        }

        RecordFeatures(tickMs);

        var evaluated = Engine.Tick(tickMs);
        LastTickMs = tickMs;
        TicksRun++;
        _sink.Publish(new TickCompleted(tickMs, evaluated, Engine.RunningCount));
    }

    /// <summary>Records that the tick at <paramref name="tickMs"/> was not evaluated, and why. Queued commands wait for the next tick.</summary>
    public void Skip(long tickMs, string reason)
    {
        TicksSkipped++;
        _sink.Publish(new TickSkipped(tickMs, reason));
    }

    private void RecordFeatures(long tickMs)
    {
        List<FeatureReading>? changed = null;
        foreach (var state in Engine.States)
        {
            if (!_recordedFeatureTimes.TryGetValue(state.Symbol, out var times))
            {
                _recordedFeatureTimes[state.Symbol] = times = new long[FeatureKeys.Count];
                Array.Fill(times, long.MinValue);
            }

            foreach (var key in FeatureKeys.All)
            {
                var time = state.Features.TimeOf(key);
                if (time != times[(int)key])
                {
                    times[(int)key] = time;
                    (changed ??= []).Add(new FeatureReading(state.Symbol, key, state.Features[key], time));
                }
            }
        }

        if (changed is not null)
        {
            _sink.Publish(new FeaturesRecorded(tickMs, changed));
        }
    }

    private void ApplyCommand(EngineCommand command, long tickMs)
    {
        if (!_appliedCommands.Add(command.CommandId))
        {
            return; // already in effect (loaded at session start, or submitted twice)
        }

        var rejection = command switch
        {
            UpsertStrategyCommand upsert => Upsert(upsert.Strategy),
            SetStatusCommand status => Engine.StrategyById(status.StrategyId) is { } current
                ? Upsert(current with { Status = status.Status })
                : "unknown_strategy",
            TopUpCommand topUp => TopUp(topUp),
            _ => "unknown_command",
        };

        if (rejection is null)
        {
            CommandsApplied++;
            _sink.Publish(new CommandApplied(command, tickMs));
        }
        else
        {
            CommandsRejected++;
            LogCommandRejected(command.Kind, command.StrategyId, rejection);
            _sink.Publish(new CommandRejected(command, tickMs, rejection));
        }
    }

    private string? Upsert(StrategyDefinition strategy)
    {
        var errors = StrategyValidator.Validate(strategy, Settings.Symbols);
        if (errors.Count > 0)
        {
            return "invalid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
        }

        Engine.UpsertStrategy(strategy);
        return null;
    }

    private string? TopUp(TopUpCommand command)
    {
        if (!(command.Amount > 0) || !double.IsFinite(command.Amount))
        {
            return "invalid_amount";
        }

        if (Engine.StrategyById(command.StrategyId) is not { } strategy)
        {
            return "unknown_strategy";
        }

        Broker.TopUp(strategy, command.Amount);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Engine command {Kind} for strategy {StrategyId} rejected: {Reason}")]
    private partial void LogCommandRejected(string kind, Guid strategyId, string reason);
}
