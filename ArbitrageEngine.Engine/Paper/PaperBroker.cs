using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Paper;

/// <summary>A strategy's paper balance.</summary>
public sealed class StrategyAccount(double initialBalance, double currentBalance)
{
    public double InitialBalance { get; internal set; } = initialBalance;
    public double CurrentBalance { get; internal set; } = currentBalance;
}

/// <summary>
/// The paper broker (engine.md §6): opens positions at signal price, manages exits on every trade of the
/// symbol at level prices, applies fees, keeps balances. Single writer (the engine loop); every position is
/// closed exactly once, because a closed position leaves the active lists in the same call.
/// </summary>
public sealed class PaperBroker(PaperSettings settings) : IBroker
{
    private IBrokerListener _listener = NullListener.Instance;

    private readonly List<PaperPosition> _active = [];
    private readonly Dictionary<string, List<PaperPosition>> _activeBySymbol = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, PaperPosition> _activeByStrategy = [];
    private readonly Dictionary<Guid, StrategyAccount> _accounts = [];
    private readonly List<PaperPosition> _exitScratch = [];

    public PaperSettings Settings { get; } = settings;

    public void Attach(IBrokerListener listener) => _listener = listener;

    public long NextPositionId { get; set; } = 1;

    public IReadOnlyList<PaperPosition> ActivePositions => _active;

    public int ActiveCount => _active.Count;

    public PaperPosition? ActiveFor(Guid strategyId) => _activeByStrategy.GetValueOrDefault(strategyId);

    public StrategyAccount AccountFor(StrategyDefinition strategy)
    {
        if (!_accounts.TryGetValue(strategy.StrategyId, out var account))
        {
            _accounts[strategy.StrategyId] = account = new StrategyAccount(strategy.InitialBalance, strategy.CurrentBalance);
        }

        return account;
    }

    /// <summary>A top-up raises both the initial and the current balance (product: add balance).</summary>
    public void TopUp(StrategyDefinition strategy, double amount)
    {
        var account = AccountFor(strategy);
        account.InitialBalance += amount;
        account.CurrentBalance += amount;
    }

    public double RiskUsd(StrategyDefinition strategy, string tier) =>
        AccountFor(strategy).InitialBalance * Settings.RiskPerTrade * TierMultiplier(tier);

    public double TierMultiplier(string tier) => tier switch
    {
        "heavy" => Settings.TierMultiplier.Heavy,
        "light" => Settings.TierMultiplier.Light,
        _ => Settings.TierMultiplier.Standard,
    };

    /// <summary>Opens a position at the result's price, or returns null with the reason (ATR ≤ 0, failed SL sanity check).</summary>
    public PaperPosition? Open(StrategyDefinition strategy, ScoreResult result, TradeDirection direction, string tier, out string? rejection)
    {
        rejection = null;
        var atr = result.Atr;
        if (!(atr > 0))
        {
            rejection = "atr_not_positive";
            return null;
        }

        var p = result.Price;
        var rd = strategy.SlAtrMultiplier * atr;
        var isLong = direction == TradeDirection.Long;
        var sl = isLong ? p - rd : p + rd;
        var tp1 = isLong ? p + (strategy.Tp1Ratio * rd) : p - (strategy.Tp1Ratio * rd);
        var tp2 = isLong ? p + (strategy.Tp2Ratio * rd) : p - (strategy.Tp2Ratio * rd);
        var slDistance = Math.Abs(sl - p);
        if (!(slDistance >= 0.8 * rd && slDistance <= 1.2 * rd))
        {
            rejection = "sl_sanity_check";
            return null;
        }

        var position = new PaperPosition
        {
            PositionId = NextPositionId++,
            StrategyId = strategy.StrategyId,
            Symbol = strategy.Symbol,
            Direction = direction,
            Score = result.Score,
            Tier = tier,
            Entry = p,
            EntryTimeMs = result.TimeMs,
            Sl = sl,
            Tp1 = tp1,
            Tp2 = tp2,
            Atr = atr,
            Rd = rd,
            RiskUsd = RiskUsd(strategy, tier),
            Tp1Ratio = strategy.Tp1Ratio,
            Tp2Ratio = strategy.Tp2Ratio,
            TimeoutMinutes = strategy.TimeoutMinutes,
            FeeRate = Settings.FeeRate,
            Factors = result,
            StrategySnapshot = strategy,
            Stop = sl,
        };
        Track(position);
        AccountFor(strategy);
        _listener.Opened(position);
        return position;
    }

    /// <summary>Adds a position loaded from storage to the managed set (restart recovery).</summary>
    public void Track(PaperPosition position)
    {
        if (!position.IsOpen || _activeByStrategy.ContainsKey(position.StrategyId))
        {
            throw new InvalidOperationException($"Strategy {position.StrategyId} already has an active position or the position is closed.");
        }

        _active.Add(position);
        if (!_activeBySymbol.TryGetValue(position.Symbol, out var list))
        {
            _activeBySymbol[position.Symbol] = list = [];
        }

        list.Add(position);
        _activeByStrategy[position.StrategyId] = position;
        NextPositionId = Math.Max(NextPositionId, position.PositionId + 1);
    }

    /// <summary>Checks the exits of every open position of <paramref name="symbol"/> at one trade (engine.md §6.2).</summary>
    public void OnTrade(string symbol, in AggTrade trade)
    {
        if (!_activeBySymbol.TryGetValue(symbol, out var list) || list.Count == 0)
        {
            return;
        }

        _exitScratch.Clear();
        _exitScratch.AddRange(list);
        foreach (var position in _exitScratch)
        {
            // Trades up to the entry tick (or up to TP1, after a restart) were already applied to this position.
            if (!position.AlreadyProcessed(trade))
            {
                CheckExit(position, trade.AggId, trade.TimeMs, trade.Price);
            }
        }
    }

    private void CheckExit(PaperPosition p, long aggId, long timeMs, double price)
    {
        var isLong = p.IsLong;
        if (!p.Tp1Hit)
        {
            if (isLong ? price <= p.Sl : price >= p.Sl)
            {
                Close(p, PositionStatus.Sl, p.Sl, timeMs);
                return;
            }

            if (isLong ? price >= p.Tp2 : price <= p.Tp2)
            {
                Close(p, PositionStatus.Tp, p.Tp2, timeMs);
                return;
            }

            if (isLong ? price >= p.Tp1 : price <= p.Tp1)
            {
                p.Tp1Hit = true;
                p.Tp1TimeMs = timeMs;
                p.Tp1AggId = aggId;
                p.Status = PositionStatus.Tp1Hit;
                var buffer = Settings.BeBufferAtr * p.Atr;
                p.Stop = isLong ? p.Entry + buffer : p.Entry - buffer;
                _listener.Tp1(p);
            }
        }
        else
        {
            if (isLong ? price <= p.Stop : price >= p.Stop)
            {
                Close(p, PositionStatus.SlBe, p.Stop, timeMs);
                return;
            }

            if (isLong ? price >= p.Tp2 : price <= p.Tp2)
            {
                Close(p, PositionStatus.Tp, p.Tp2, timeMs);
                return;
            }
        }

        if (timeMs - p.EntryTimeMs > p.TimeoutMs)
        {
            Close(p, PositionStatus.Timeout, price, timeMs);
        }
    }

    /// <summary>Timeouts at an evaluation tick, with the tick's time and each symbol's last price.</summary>
    public void CheckTimeouts(long nowMs, Func<string, double> lastPrice)
    {
        _exitScratch.Clear();
        _exitScratch.AddRange(_active);
        foreach (var p in _exitScratch)
        {
            if (nowMs - p.EntryTimeMs > p.TimeoutMs)
            {
                var price = lastPrice(p.Symbol);
                if (price > 0)
                {
                    Close(p, PositionStatus.Timeout, price, nowMs);
                }
            }
        }
    }

    /// <summary>Closes <paramref name="p"/> once: computes P&amp;L, credits the balance, emits the event. A second call is a no-op returning false.</summary>
    public bool Close(PaperPosition p, PositionStatus status, double exitPrice, long timeMs)
    {
        if (!p.IsOpen || status.IsOpen())
        {
            return false;
        }

        var gross = PnL.GrossR(p, status, exitPrice);
        var fee = PnL.FeeR(p.Entry, p.Rd, p.FeeRate);
        var pnlR = gross - fee;
        var pnlUsdt = PnL.Usdt(pnlR, p.RiskUsd);
        p.Status = status;
        p.ExitPrice = exitPrice;
        p.ExitTimeMs = timeMs;
        p.GrossR = gross;
        p.FeeR = fee;
        p.PnlR = pnlR;
        p.PnlUsdt = pnlUsdt;

        _active.Remove(p);
        _activeBySymbol[p.Symbol].Remove(p);
        _activeByStrategy.Remove(p.StrategyId);

        var account = _accounts.TryGetValue(p.StrategyId, out var a) ? a : _accounts[p.StrategyId] = new StrategyAccount(0, 0);
        account.CurrentBalance += pnlUsdt;
        _listener.Closed(p, account.CurrentBalance);
        return true;
    }
}

/// <summary>A listener that ignores everything (a broker nobody attached to).</summary>
internal sealed class NullListener : IBrokerListener
{
    public static NullListener Instance { get; } = new();

    public void Opened(PaperPosition position)
    {
    }

    public void Tp1(PaperPosition position)
    {
    }

    public void Closed(PaperPosition position, double balanceAfter)
    {
    }
}
