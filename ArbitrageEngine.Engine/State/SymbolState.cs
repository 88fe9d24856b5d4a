using System.Runtime.CompilerServices;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.State;

/// <summary>Outcome of offering a trade to <see cref="SymbolState.Apply"/>.</summary>
public enum TradeAcceptance
{
    Accepted,
    Duplicate,
    Regression,
    Invalid,
}

/// <summary>
/// Rolling market state of one symbol (engine.md §2), fed with trades in agg_id order. Single writer:
/// only the engine loop calls it. Per trade it does O(1) amortised work and never allocates.
/// </summary>
public sealed class SymbolState
{
    private readonly EngineSettings _settings;
    private readonly TradeLog _log = new();
    private readonly QtyPercentiles _qty = new();
    private readonly AtrCalculator _atr;
    private readonly WhaleFlow _whale;
    private readonly LargeTradeTracker _large;
    private readonly PercentileFloor _floor;

    private long _fastStart;
    private long _midStart;
    private long _vwapStart;
    private int _sinceEviction;

    /// <summary>Trades between two eviction passes on the hot path (bounded extra memory, exact at every snapshot).</summary>
    internal const int EvictionBatch = 256;
    private double _vwapPq;
    private double _vwapQ;
    private long _vwapEvictions;
    private long _dayEvictions;

    // Start sequence of every strategy CVD window at the previous snapshot: each tick moves them forward by the trades
    // of one interval (SeekTime) instead of a binary search over the whole window per window and symbol.
    private readonly long[] _windowStarts = new long[StrategyNames.AllWindows.Length];
    private readonly long[] _windowMs = [.. StrategyNames.AllWindows.Select(w => w.Milliseconds())];
    private long _lastSnapshotMs = long.MinValue;

    private int _snapshots;
    private double _prevCvdFast;
    private double _prevSlope;
    private double _prevOi;
    private bool _historyLoaded;

    public SymbolState(string symbol, EngineSettings settings)
    {
        Symbol = symbol;
        _settings = settings;
        _atr = new AtrCalculator(settings.AtrLength, settings.AtrPeriodMs, settings.AtrHistoryLength);
        _whale = new WhaleFlow(settings.WhaleMinUsd, settings.WhaleWindowMs);
        _large = new LargeTradeTracker(settings.LargeTradeWindowMs);
        _floor = settings.FloorFor(symbol);
        if (!(settings.FastWindowMs <= settings.MidWindowMs && settings.MidWindowMs <= settings.DayWindowMs && settings.VwapWindowMs <= settings.DayWindowMs))
        {
            throw new ArgumentException("Windows must nest: fast ≤ mid ≤ day and vwap ≤ day.", nameof(settings));
        }
    }

    public string Symbol { get; }

    public MarketFeatures Features { get; } = new();

    public double LastPrice { get; private set; }

    public long LastAggId { get; private set; } = long.MinValue;

    public long LastTradeTimeMs { get; private set; } = long.MinValue;

    private long _firstTradeTimeMs = long.MinValue;

    public long? FirstTradeTimeMs => _firstTradeTimeMs == long.MinValue ? null : _firstTradeTimeMs;

    public long WindowTradeCount => _log.Count;

    public long AcceptedTrades { get; private set; }

    public long DuplicateTrades { get; private set; }

    public long RegressedTrades { get; private set; }

    public long InvalidTrades { get; private set; }

    /// <summary>Times an exact percentile bucket had to be rebuilt from the window (diagnostics).</summary>
    public long PercentileRebuilds => _qty.Rebuilds;

    /// <summary>Times the recent-large-trades list needed a full 15-minute rescan (diagnostics).</summary>
    public long LargeTradeFullScans => _large.FullScans;

    /// <summary>Managed bytes held by the 24 h trade storage.</summary>
    public long WindowBytes => _log.AllocatedBytes;

    /// <summary>Applies one trade. Invalid, duplicate and regressing trades are rejected and counted; state is untouched.</summary>
    public TradeAcceptance Apply(in AggTrade trade)
    {
        var price = trade.Price;
        var qty = trade.Qty;
        // One range check per value: rejects NaN (all comparisons false), ±∞, zero and negatives.
        if (!(price > 0 && price < double.PositiveInfinity && qty > 0 && qty < double.PositiveInfinity) || trade.TimeMs < LastTradeTimeMs)
        {
            InvalidTrades++;
            return TradeAcceptance.Invalid;
        }

        if (trade.AggId <= LastAggId)
        {
            if (trade.AggId == LastAggId)
            {
                DuplicateTrades++;
                return TradeAcceptance.Duplicate;
            }

            RegressedTrades++;
            return TradeAcceptance.Regression;
        }

        var time = trade.TimeMs;

        // 1. windows: add, then evict by the trade's time (batched, see EvictWindows).
        _log.Append(trade.AggId, time, price, trade.IsBuyerMaker ? -qty : qty);
        _qty.Add(qty);
        _vwapPq += price * qty;
        _vwapQ += qty;
        if (++_sinceEviction >= EvictionBatch)
        {
            _sinceEviction = 0;
            EvictWindows(time);
        }

        // 2. ATR candles, 3. whale flow, 4. last values.
        _atr.OnTrade(time, price);
        _whale.OnTrade(time, price, qty, trade.IsBuyerMaker);
        LastPrice = price;
        LastAggId = trade.AggId;
        LastTradeTimeMs = time;
        if (_firstTradeTimeMs == long.MinValue)
        {
            _firstTradeTimeMs = time;
        }
        AcceptedTrades++;
        return TradeAcceptance.Accepted;
    }

    /// <summary>Marks the symbol warm because at least 24 h of stored history was loaded at start-up (engine.md §2.6).</summary>
    public void MarkHistoryLoaded() => _historyLoaded = true;

    public bool IsWarm(long nowMs, long warmupMs) =>
        _historyLoaded || (FirstTradeTimeMs is { } first && nowMs - first >= warmupMs);

    /// <summary>
    /// Evicts every window by <paramref name="now"/>. Trades call it every <see cref="EvictionBatch"/> trades and every
    /// snapshot calls it first, so what a tick observes is exactly the per-trade eviction of engine.md §2 while the hot
    /// path runs tight block-wise loops instead of per-trade bookkeeping.
    /// </summary>
    private void EvictWindows(long now)
    {
        var log = _log;
        var vwapStart = log.SkipBefore(_vwapStart, now - _settings.VwapWindowMs);
        if (vwapStart != _vwapStart)
        {
            var (pq, q) = log.SumPriceQty(_vwapStart, vwapStart);
            _vwapPq -= pq;
            _vwapQ -= q;
            _vwapEvictions += vwapStart - _vwapStart;
            _vwapStart = vwapStart;
            if (_vwapEvictions >= _settings.ExactRecomputeEvictions)
            {
                RecomputeVwapSums();
            }
        }

        _fastStart = log.SkipBefore(_fastStart, now - _settings.FastWindowMs);
        _midStart = log.SkipBefore(_midStart, now - _settings.MidWindowMs);

        var head = log.SkipBefore(log.Head, now - _settings.DayWindowMs);
        if (head != log.Head)
        {
            log.RemoveQuantities(log.Head, head, _qty);
            _dayEvictions += head - log.Head;
            log.DropHeadTo(head);
            if (_dayEvictions >= (long)_settings.ExactRecomputeEvictions * 16)
            {
                // Prefix sums feed every CVD; a full pass is O(window), so amortise it over many evictions.
                _dayEvictions = 0;
                log.RecomputePrefixes();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RecomputeVwapSums()
    {
        _vwapEvictions = 0;
        double pq = 0, q = 0;
        for (var seq = _vwapStart; seq < _log.End; seq++)
        {
            var qty = Math.Abs(_log.SignedQtyAt(seq));
            pq += _log.PriceAt(seq) * qty;
            q += qty;
        }

        _vwapPq = pq;
        _vwapQ = q;
    }

    /// <summary>Sets a market feature (newest by its own timestamp wins). Out-of-range values are rejected.</summary>
    public bool SetFeature(FeatureKey key, double? value, long timeMs)
    {
        if (value is { } v && !FeatureKeys.IsInRange(key, v))
        {
            return false;
        }

        return Features.Set(key, value, timeMs);
    }

    /// <summary>Evicts by <paramref name="nowMs"/> and builds the snapshot of engine.md §2.1.</summary>
    /// <remarks>
    /// Optimised at first call, like every once-per-tick method with loops: tiered JIT would otherwise run it
    /// unoptimised for the first ticks and then recompile it on the engine thread (OSR), a stall inside a tick.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public MarketSnapshot Snapshot(long nowMs, long warmupMs)
    {
        EvictWindows(nowMs);
        _whale.Evict(nowMs);

        var cvdFast = _log.CvdFrom(_fastStart);
        var vwap = _vwapQ > 0 ? _vwapPq / _vwapQ : 0.0;
        var price = LastPrice != 0 ? LastPrice : vwap;
        var atr = _atr.Atr();
        var atrPct = _atr.RecordPercentile(atr);
        var (p95, p99) = Percentiles();
        _large.Update(_log, _fastStart, nowMs, p99);
        var recentLarge = _large.Recent;

        var slope = _snapshots >= 1 ? cvdFast - _prevCvdFast : 0.0;
        var accel = _snapshots >= 2 ? slope - _prevSlope : 0.0;
        _prevCvdFast = cvdFast;
        _prevSlope = slope;
        _snapshots++;

        var (oiChange, environment) = OpenInterestEnvironment();

        var cvdByWindow = new double[StrategyNames.AllWindows.Length];
        var forward = nowMs >= _lastSnapshotMs; // a snapshot back in time (tests only) restarts the cursors at the head
        _lastSnapshotMs = nowMs;
        foreach (var window in StrategyNames.AllWindows)
        {
            var i = (int)window;
            var windowMs = _windowMs[i];
            var start = _log.SeekTime(forward ? _windowStarts[i] : _log.Head, nowMs - windowMs);
            _windowStarts[i] = start;
            cvdByWindow[i] = _log.CvdFrom(Math.Max(start, SmallestWindowStart(windowMs)));
        }

        double maxBuy = 0, maxSell = 0;
        bool anyBuy = false, anySell = false;
        foreach (var large in recentLarge)
        {
            if (large.IsBuyerMaker)
            {
                anySell = true;
                maxSell = Math.Max(maxSell, large.Qty);
            }
            else
            {
                anyBuy = true;
                maxBuy = Math.Max(maxBuy, large.Qty);
            }
        }

        return new MarketSnapshot
        {
            Symbol = Symbol,
            TimeMs = nowMs,
            CvdFast = cvdFast,
            CvdMid = _log.CvdFrom(_midStart),
            CvdDay = _log.CvdFrom(_log.Head),
            Vwap = vwap,
            Price = price,
            Atr = atr,
            AtrPct = atrPct,
            P95 = p95,
            P99 = p99,
            CvdFastSlope = slope,
            CvdFastAccel = accel,
            OiChange = oiChange,
            EnvironmentScore = environment,
            Warm = IsWarm(nowMs, warmupMs),
            WhaleCvdRatio = _whale.CvdRatio(),
            HasWhaleEntries = _whale.Count > 0,
            LongShortRatio = Features[FeatureKey.LongShortRatio],
            TopTraderPosition = Features[FeatureKey.TopTraderPosition],
            CoinbasePremium = Features[FeatureKey.CoinbasePremium],
            Obi = Features[FeatureKey.ObiDepth10],
            SpotPerpDivergence = Features[FeatureKey.SpotPerpDivergence],
            TieredCvdWhale = Features[FeatureKey.TieredCvdWhale],
            FundingRate = Features[FeatureKey.FundingRate],
            CvdByWindow = cvdByWindow,
            LargeTrades = recentLarge.ToArray(),
            MaxLargeBuyQty = maxBuy,
            MaxLargeSellQty = maxSell,
            AnyLargeBuy = anyBuy,
            AnyLargeSell = anySell,
        };
    }

    /// <summary>CVD of trades with time ≥ now − <paramref name="windowMs"/>, from the smallest maintained window that holds them.</summary>
    public double CvdOver(long windowMs, long nowMs) =>
        _log.CvdFrom(_log.LowerBoundTime(SmallestWindowStart(windowMs), nowMs - windowMs));

    private long SmallestWindowStart(long windowMs) =>
        windowMs <= _settings.FastWindowMs ? _fastStart
        : windowMs <= _settings.MidWindowMs ? _midStart
        : _log.Head;

    private (double P95, double P99) Percentiles()
    {
        var n = _qty.Count;
        if (n < _settings.MinTradesForPercentiles)
        {
            return (_settings.FallbackP95, _settings.FallbackP99);
        }

        var p95 = _qty.Select((long)Math.Floor(n * 0.95), _log);
        var p99 = _qty.Select((long)Math.Floor(n * 0.99), _log);
        return (Math.Max(p95, _floor.P95), Math.Max(p99, _floor.P99));
    }

    private (double Change, int Score) OpenInterestEnvironment()
    {
        var oi = Features[FeatureKey.OpenInterestHist];
        double change;
        int score;
        if (oi is null || _prevOi == 0)
        {
            change = 0;
            score = 10;
        }
        else
        {
            change = (oi.Value - _prevOi) / _prevOi;
            score = change >= 0.03 ? 15 : change > 0 ? 10 : 5;
        }

        if (oi is > 0)
        {
            _prevOi = oi.Value;
        }

        return (change, score);
    }
}
