using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Backtest;

/// <summary>Reasons a signal did not open a position, as a backtest reports them (backtest.md §6).</summary>
public static class RejectionReasons
{
    /// <summary>
    /// The strategy's direction, gates and score made a signal, but it was within the cooldown of its previous signal.
    /// The engine does not emit an event for it (the signal simply does not exist, engine.md §5), so the collector derives it.
    /// </summary>
    public const string Cooldown = "cooldown";

    /// <summary>The rest are the reasons the engine emits in <see cref="SignalRejected"/> (Decider, PaperBroker.Open).</summary>
    public const string MaxPositions = "max_positions";
    public const string PositionOpen = "position_open";
    public const string NotRunning = "not_running";
    public const string PaperDisabled = "paper_disabled";
    public const string AtrNotPositive = "atr_not_positive";
    public const string SlSanityCheck = "sl_sanity_check";
}

/// <summary>
/// Collects what a backtest reports from the engine's event stream (one sink on the loop): per strategy evaluations,
/// signals taken and rejected with the reason, paper trades (opened in the range) and the equity curve at each close.
/// It also drives progress on tick completion. Everything here is derived from events only, never from wall time.
/// </summary>
public sealed class BacktestCollector : IEngineEventSink
{
    private readonly Dictionary<Guid, StrategyAccumulator> _byStrategy = [];
    private readonly List<StrategyAccumulator> _ordered = [];
    private readonly Dictionary<long, int> _tradeIndex = [];
    private readonly List<PositionSnapshot> _positions = [];
    private readonly List<double?> _balanceAfter = [];
    private readonly long _fromMs;
    private StrategyAccumulator? _last;
    private int _cursor;

    public BacktestCollector(IEnumerable<StrategyDefinition> strategies, long fromMs)
    {
        _fromMs = fromMs;
        foreach (var s in strategies)
        {
            Add(s);
        }
    }

    /// <summary>Called after each completed tick (progress).</summary>
    public Action<long>? TickCompletedHandler { get; set; }

    public long Evaluations { get; private set; }

    public long Ticks { get; private set; }

    public long LastTickMs { get; private set; } = long.MinValue;

    /// <summary>Paper trades opened so far (closed or open).</summary>
    public int TradeCount => _positions.Count;

    public void Publish(EngineEvent e)
    {
        switch (e)
        {
            case EvaluationProduced ev:
                OnEvaluation(ev);
                break;
            case SignalRejected r:
                if (Find(r.Result.StrategyId) is { } rejected)
                {
                    rejected.Reject(r.Reason);
                }

                break;
            case PositionOpened o:
                OnOpened(o.Position);
                break;
            case Tp1Hit t:
                if (_tradeIndex.TryGetValue(t.Position.PositionId, out var ti))
                {
                    _positions[ti] = t.Position;
                }

                break;
            case PositionClosed c:
                OnClosed(c.Position, c.BalanceAfter);
                break;
            case TickStarted:
                _cursor = 0;
                break;
            case TickCompleted tick:
                Ticks++;
                LastTickMs = tick.TickMs;
                TickCompletedHandler?.Invoke(tick.TickMs);
                break;
            case CommandApplied { Command: UpsertStrategyCommand upsert }:
                // Parity mode: a strategy created or edited by a recorded command.
                if (Find(upsert.Strategy.StrategyId) is { } known)
                {
                    known.Strategy = upsert.Strategy;
                }
                else
                {
                    Add(upsert.Strategy);
                }

                break;
        }
    }

    private void Add(StrategyDefinition strategy)
    {
        if (!_byStrategy.ContainsKey(strategy.StrategyId))
        {
            var acc = new StrategyAccumulator(strategy, _fromMs);
            _byStrategy[strategy.StrategyId] = acc;
            _ordered.Add(acc);
        }
    }

    private StrategyAccumulator? Find(Guid id)
    {
        // Evaluations come in creation order, so consecutive lookups rarely hit the same id; the cache helps rejections.
        if (_last is { } last && last.Strategy.StrategyId == id)
        {
            return last;
        }

        if (_byStrategy.TryGetValue(id, out var acc))
        {
            _last = acc;
            return acc;
        }

        return null;
    }

    private void OnEvaluation(EvaluationProduced ev)
    {
        Evaluations++;
        var r = ev.Result;
        // A tick evaluates the running strategies in creation order: the next accumulator is almost always the one.
        StrategyAccumulator? acc = null;
        var ordered = _ordered;
        for (var i = _cursor; i < ordered.Count; i++)
        {
            if (ordered[i].Strategy.StrategyId == r.StrategyId)
            {
                acc = ordered[i];
                _cursor = i + 1;
                break;
            }
        }

        acc ??= Find(r.StrategyId);
        if (acc is null)
        {
            return;
        }

        _last = acc;

        acc.Evaluations++;
        if (r.Signal is not null)
        {
            acc.Signals++;
        }
        else if (r.Direction is { } d && r.GatePassed == true && r.Score >= ev.Strategy.EntryScore && ev.Strategy.Direction.Allows(d))
        {
            // Everything for a signal but the cooldown (engine.md §5): the Decider suppressed it.
            acc.Reject(RejectionReasons.Cooldown);
        }
    }

    private void OnOpened(PositionSnapshot p)
    {
        _tradeIndex[p.PositionId] = _positions.Count;
        _positions.Add(p);
        _balanceAfter.Add(null);
        if (Find(p.StrategyId) is { } acc)
        {
            acc.Taken++;
        }
    }

    private void OnClosed(PositionSnapshot p, double balanceAfter)
    {
        if (!_tradeIndex.TryGetValue(p.PositionId, out var i))
        {
            return; // opened before the range (parity mode: a position carried over) — not a trade of this run
        }

        _positions[i] = p;
        _balanceAfter[i] = balanceAfter;
        if (Find(p.StrategyId) is { } acc)
        {
            acc.Closed.Add(new ClosedTrade(
                p.StrategyId, p.Symbol, p.Direction, p.Score, p.Status, p.EntryTimeMs, p.ExitTimeMs ?? p.EntryTimeMs,
                p.PnlR ?? 0, p.PnlUsdt ?? 0, p.GrossR ?? 0, p.FeeR ?? 0));
            acc.CumulativeR += p.PnlR ?? 0;
            acc.Equity.Add(new EquityPoint(p.ExitTimeMs ?? p.EntryTimeMs, acc.CumulativeR, balanceAfter));
        }
    }

    /// <summary>
    /// Combines collectors of independent loops (one per symbol): per strategy results in <paramref name="order"/>,
    /// trades by entry time then strategy creation order — the order one loop would have opened them in.
    /// </summary>
    public static (IReadOnlyList<StrategyBacktestResult> Strategies, IReadOnlyList<BacktestTrade> Trades) Merge(
        IReadOnlyList<BacktestCollector> parts, IReadOnlyList<Guid> order, long nowMs)
    {
        var rank = new Dictionary<Guid, int>(order.Count);
        for (var i = 0; i < order.Count; i++)
        {
            rank.TryAdd(order[i], i);
        }

        var strategies = parts.SelectMany(p => p.Results(nowMs)).OrderBy(r => rank.GetValueOrDefault(r.Strategy.StrategyId, int.MaxValue)).ToList();
        var trades = parts.SelectMany(p => p.Trades())
            .OrderBy(t => t.Position.EntryTimeMs)
            .ThenBy(t => rank.GetValueOrDefault(t.Position.StrategyId, int.MaxValue))
            .ToList();
        return (strategies, trades);
    }

    /// <summary>The trades so far in open order (positions still open carry their latest state and no balance).</summary>
    public IReadOnlyList<BacktestTrade> Trades()
    {
        var list = new BacktestTrade[_positions.Count];
        for (var i = 0; i < list.Length; i++)
        {
            list[i] = new BacktestTrade(_positions[i], _balanceAfter[i]);
        }

        return list;
    }

    /// <summary>Per strategy results in the order the strategies were given; statistics anchored at <paramref name="nowMs"/>.</summary>
    public IReadOnlyList<StrategyBacktestResult> Results(long nowMs) =>
        [.. _ordered.Select(a => new StrategyBacktestResult(
            a.Strategy,
            PaperStatistics.Compute(a.Closed, nowMs),
            [.. a.Equity],
            a.Evaluations,
            a.Taken,
            new Dictionary<string, int>(a.Rejected, StringComparer.Ordinal))
        {
            Signals = a.Signals,
        })];

    private sealed class StrategyAccumulator(StrategyDefinition strategy, long fromMs)
    {
        public StrategyDefinition Strategy { get; set; } = strategy;
        public long Evaluations;
        public int Signals;
        public int Taken;
        public double CumulativeR;
        public readonly Dictionary<string, int> Rejected = new(StringComparer.Ordinal);
        public readonly List<ClosedTrade> Closed = [];
        public readonly List<EquityPoint> Equity = [new EquityPoint(fromMs, 0, strategy.CurrentBalance)];

        public void Reject(string reason) => Rejected[reason] = Rejected.GetValueOrDefault(reason) + 1;
    }
}
