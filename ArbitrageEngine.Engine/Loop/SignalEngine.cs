using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Decisions;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.State;
using ArbitrageEngine.Engine.Strategies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ArbitrageEngine.Engine.Loop;

/// <summary>
/// The engine's core (architecture.md): market state per symbol, scoring, decisions and a broker, driven only by
/// trades, feature updates and ticks, with time taken from those events. <see cref="EngineLoop"/> owns it and adds
/// the tick policy's bookkeeping, commands and sessions; live, replay, backtest and conformance all run that loop.
/// Not thread-safe by design: one loop owns it.
/// </summary>
public sealed partial class SignalEngine : IBrokerListener
{
    private readonly Dictionary<string, SymbolState> _states = new(StringComparer.Ordinal);
    private readonly List<SymbolState> _stateList = [];
    private readonly List<StrategyDefinition> _strategies = [];
    private readonly Dictionary<Guid, int> _strategyIndex = [];
    private readonly Dictionary<Guid, long> _lastSignal = [];
    private readonly Dictionary<string, MarketSnapshot> _snapshots = new(StringComparer.Ordinal);
    private readonly IEngineEventSink _sink;
    private readonly ILogger _logger;
    private long _lastTick = long.MinValue;

    public SignalEngine(EngineSettings settings, PaperSettings paper, IEngineEventSink? sink = null, ILogger? logger = null)
        : this(settings, new PaperBroker(paper), sink, logger)
    {
    }

    public SignalEngine(EngineSettings settings, IBroker broker, IEngineEventSink? sink = null, ILogger? logger = null)
    {
        Settings = settings;
        _sink = sink ?? NullEventSink.Instance;
        _logger = logger ?? NullLogger.Instance;
        Broker = broker;
        broker.Attach(this);
        ResetStates();
    }

    public EngineSettings Settings { get; }

    public IBroker Broker { get; }

    /// <summary>Replaces every symbol's state with an empty one (a restart: the loop warms up again from storage).</summary>
    public void ResetStates()
    {
        _states.Clear();
        _stateList.Clear();
        _snapshots.Clear();
        foreach (var symbol in Settings.Symbols)
        {
            var state = new SymbolState(symbol, Settings);
            _states[symbol] = state;
            _stateList.Add(state);
        }
    }

    public IReadOnlyList<SymbolState> States => _stateList;

    /// <summary>Strategies in creation order.</summary>
    public IReadOnlyList<StrategyDefinition> Strategies => _strategies;

    public IReadOnlyDictionary<Guid, long> LastSignals => _lastSignal;

    /// <summary>Strategies with status running.</summary>
    public int RunningCount
    {
        get
        {
            var count = 0;
            foreach (var s in _strategies)
            {
                count += s.Status == StrategyStatus.Running ? 1 : 0;
            }

            return count;
        }
    }

    public long LastTickMs => _lastTick;

    public long RejectedFeatures { get; private set; }

    public long UnknownSymbolEvents { get; private set; }

    public SymbolState? StateOf(string symbol) => _states.GetValueOrDefault(symbol);

    /// <summary>Latest snapshot of <paramref name="symbol"/> (null before the first tick).</summary>
    public MarketSnapshot? LatestSnapshot(string symbol) => _snapshots.GetValueOrDefault(symbol);

    /// <summary>
    /// Adds a strategy (at the end of creation order) or replaces its parameters in place; takes effect at the next
    /// tick. Balances of a known strategy stay the broker's (closed trades move them; top-ups go through
    /// <see cref="PaperBroker.TopUp"/>), so an edit never rewinds them.
    /// </summary>
    public void UpsertStrategy(StrategyDefinition strategy)
    {
        if (_strategyIndex.TryGetValue(strategy.StrategyId, out var index))
        {
            _strategies[index] = strategy;
        }
        else
        {
            _strategyIndex[strategy.StrategyId] = _strategies.Count;
            _strategies.Add(strategy);
        }

        Broker.AccountFor(strategy);
    }

    public StrategyDefinition? StrategyById(Guid id) =>
        _strategyIndex.TryGetValue(id, out var index) ? _strategies[index] : null;

    /// <summary>Restores a persisted cooldown (restart recovery).</summary>
    public void RestoreLastSignal(Guid strategyId, long timeMs) => _lastSignal[strategyId] = timeMs;

    /// <summary>Applies one trade, then checks the symbol's paper exits at its price and time.</summary>
    public TradeAcceptance OnTrade(string symbol, in AggTrade trade)
    {
        if (!_states.TryGetValue(symbol, out var state))
        {
            UnknownSymbolEvents++;
            return TradeAcceptance.Invalid;
        }

        var outcome = state.Apply(trade);
        if (outcome == TradeAcceptance.Accepted)
        {
            Broker.OnTrade(symbol, trade);
        }
        else if (outcome != TradeAcceptance.Duplicate)
        {
            LogRejectedTrade(symbol, trade.AggId, outcome);
        }

        return outcome;
    }

    /// <summary>Sets a market feature; out-of-range readings are rejected, counted and logged.</summary>
    public bool OnFeature(string symbol, FeatureKey key, double? value, long timeMs)
    {
        if (!_states.TryGetValue(symbol, out var state))
        {
            UnknownSymbolEvents++;
            return false;
        }

        if (value is { } v && !FeatureKeys.IsInRange(key, v))
        {
            RejectedFeatures++;
            LogRejectedFeature(symbol, key.Name(), v);
            return false;
        }

        return state.SetFeature(key, value, timeMs);
    }

    /// <summary>
    /// One evaluation at <paramref name="nowMs"/> (engine.md §2.1, §5): timeouts, a snapshot per symbol, then
    /// score and decide every running strategy in creation order. Ticks must not go back in time. Returns how many
    /// strategies were evaluated.
    /// </summary>
    // Optimised at first call: a tick runs once per 15 s, so tiered JIT would recompile this loop on the engine thread
    // (OSR) twice in the first few hundred ticks, a 12-15 ms stall each (tick-profile, JitDisasmSummary).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public int Tick(long nowMs)
    {
        var evaluated = 0;
        if (nowMs < _lastTick)
        {
            throw new InvalidOperationException($"Tick {nowMs} is before the previous tick {_lastTick}.");
        }

        _lastTick = nowMs;
        Broker.CheckTimeouts(nowMs, symbol => _states.TryGetValue(symbol, out var s) ? s.LastPrice : 0);

        foreach (var state in _stateList)
        {
            var snapshot = state.Snapshot(nowMs, Settings.WarmupMs);
            _snapshots[state.Symbol] = snapshot;
            _sink.Publish(new SnapshotTaken(snapshot));
        }

        var paper = Broker.Settings;
        foreach (var strategy in _strategies)
        {
            if (strategy.Status != StrategyStatus.Running)
            {
                continue;
            }

            evaluated++;
            var result = _snapshots.TryGetValue(strategy.Symbol, out var snap)
                ? Scorer.Score(strategy, snap)
                : ScoreResult.Empty(strategy.StrategyId, strategy.Symbol, nowMs);

            var active = Broker.ActiveFor(strategy.StrategyId);
            var decision = Decider.Decide(
                strategy,
                result,
                active,
                _lastSignal.TryGetValue(strategy.StrategyId, out var last) ? last : null,
                Settings.CooldownMs,
                paper.Enabled,
                Broker.ActiveCount,
                paper.MaxPositions);

            if (decision.Signal is { } signal)
            {
                result.Signal = signal;
                result.Tier = decision.Tier;
                _lastSignal[strategy.StrategyId] = nowMs;
            }

            _sink.Publish(new EvaluationProduced(result, strategy));

            if (decision.FlipClose && active is not null)
            {
                Broker.Close(active, PositionStatus.SignalFlip, result.Price, nowMs);
            }

            if (decision.Open)
            {
                if (Broker.Open(strategy, result, decision.Signal!.Value, decision.Tier!, out var rejection) is null)
                {
                    LogOpenRejected(strategy.StrategyId, rejection ?? "unknown");
                    _sink.Publish(new SignalRejected(result, rejection ?? "unknown"));
                }
            }
            else if (decision.OpenRejection is { } reason)
            {
                _sink.Publish(new SignalRejected(result, reason));
            }
        }

        return evaluated;
    }

    /// <summary>
    /// Applies a stored trade to the symbol's state only (warm-up after a restart): the broker is not told, because
    /// restored positions are marked separately with only the trades after their last processed one.
    /// </summary>
    public TradeAcceptance WarmTrade(string symbol, in AggTrade trade) =>
        _states.TryGetValue(symbol, out var state) ? state.Apply(trade) : TradeAcceptance.Invalid;

    void IBrokerListener.Opened(PaperPosition position) => _sink.Publish(new PositionOpened(position.ToSnapshot()));

    void IBrokerListener.Tp1(PaperPosition position) => _sink.Publish(new Tp1Hit(position.ToSnapshot()));

    void IBrokerListener.Closed(PaperPosition position, double balanceAfter) => _sink.Publish(new PositionClosed(position.ToSnapshot(), balanceAfter));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected trade {Symbol} agg_id {AggId}: {Outcome}")]
    private partial void LogRejectedTrade(string symbol, long aggId, TradeAcceptance outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected feature {Symbol} {Key} = {Value}: out of range")]
    private partial void LogRejectedFeature(string symbol, string key, double value);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Paper open rejected for strategy {StrategyId}: {Reason}")]
    private partial void LogOpenRejected(Guid strategyId, string reason);
}
