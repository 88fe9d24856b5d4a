using System.Runtime.CompilerServices;

namespace ArbitrageEngine.Engine.State;

/// <summary>
/// The recent-large-trades list of engine.md §2.3, updated at each snapshot without rescanning the last 15 minutes
/// of trades. Trades examined at an earlier snapshot and left out (qty below that snapshot's p99) are summarised by
/// their sliding-window maximum (a monotonic deque): while that maximum stays below the current p99 none of them can
/// qualify, so only the trades appended since the previous snapshot are examined. When p99 falls to or below it, the
/// whole 15-minute range is rescanned exactly as the specification reads. Either way the list is identical to a full
/// scan at every snapshot.
/// </summary>
internal sealed class LargeTradeTracker(long windowMs)
{
    private readonly List<LargeTrade> _recent = [];
    private readonly List<LargeTrade> _merge = [];
    private readonly LeftOutMaximum _leftOut = new();

    /// <summary>Log sequence below which every trade newer than the cutoff was examined.</summary>
    private long _examinedEnd = long.MinValue;
    private long _newerThanCutoff;
    private long _lastNowMs = long.MinValue;

    /// <summary>Times the whole 15-minute range had to be rescanned (diagnostics).</summary>
    public long FullScans { get; private set; }

    /// <summary>Current list, oldest (lowest agg_id) first.</summary>
    public List<LargeTrade> Recent => _recent;

    /// <param name="log">The window storage (already evicted by <paramref name="nowMs"/>).</param>
    /// <param name="searchFrom">A sequence at or before the first trade newer than the cutoff (the 30 m window start).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(TradeLog log, long searchFrom, long nowMs, double p99)
    {
        var cutoff = nowMs - windowMs;

        // The list is in agg_id order and agg_ids grow with time, so aged entries are a prefix.
        var aged = 0;
        while (aged < _recent.Count && _recent[aged].TimeMs < cutoff)
        {
            aged++;
        }

        _recent.RemoveRange(0, aged);
        _leftOut.ExpireUpTo(cutoff);

        // First trade newer than the cutoff: moved forward from the previous snapshot's (back to the head if time went back).
        _newerThanCutoff = log.SeekTime(nowMs >= _lastNowMs ? _newerThanCutoff : log.Head, cutoff + 1);
        _lastNowMs = nowMs;
        var first = Math.Max(_newerThanCutoff, searchFrom);
        if (_leftOut.Count > 0 && _leftOut.Max >= p99)
        {
            FullScan(log, first, p99);
        }
        else
        {
            ScanNew(log, Math.Max(first, _examinedEnd), p99);
        }

        _examinedEnd = log.End;
    }

    /// <summary>Trades from <paramref name="from"/> on were never examined: all are newer than every listed entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScanNew(TradeLog log, long from, double p99)
    {
        for (var seq = from; seq < log.End; seq++)
        {
            var signed = log.SignedQtyAt(seq);
            var qty = Math.Abs(signed);
            var time = log.TimeAt(seq);
            if (qty >= p99)
            {
                _recent.Add(new LargeTrade(log.AggIdAt(seq), time, qty, signed < 0));
            }
            else
            {
                _leftOut.Push(time, qty);
            }
        }
    }

    /// <summary>The specification's scan of the whole range, merged with the list by agg_id; rebuilds the left-out maximum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FullScan(TradeLog log, long first, double p99)
    {
        FullScans++;
        _leftOut.Clear();
        _merge.Clear();
        var existing = 0;
        for (var seq = first; seq < log.End; seq++)
        {
            var aggId = log.AggIdAt(seq);
            while (existing < _recent.Count && _recent[existing].AggId < aggId)
            {
                _merge.Add(_recent[existing++]);
            }

            if (existing < _recent.Count && _recent[existing].AggId == aggId)
            {
                _merge.Add(_recent[existing++]);
                continue;
            }

            var signed = log.SignedQtyAt(seq);
            var qty = Math.Abs(signed);
            var time = log.TimeAt(seq);
            if (qty >= p99)
            {
                _merge.Add(new LargeTrade(aggId, time, qty, signed < 0));
            }
            else
            {
                _leftOut.Push(time, qty);
            }
        }

        while (existing < _recent.Count)
        {
            _merge.Add(_recent[existing++]);
        }

        _recent.Clear();
        _recent.AddRange(_merge);
    }

    /// <summary>Sliding-window maximum of quantities pushed in time order (monotonic deque in a ring buffer).</summary>
    private sealed class LeftOutMaximum
    {
        private long[] _times = new long[64];
        private double[] _qtys = new double[64];
        private int _head;

        public int Count { get; private set; }

        public double Max => _qtys[_head];

        public void Clear() => (_head, Count) = (0, 0);

        public void Push(long time, double qty)
        {
            // An older entry not larger than the new one can never be the maximum again.
            var mask = _qtys.Length - 1;
            while (Count > 0 && _qtys[(_head + Count - 1) & mask] <= qty)
            {
                Count--;
            }

            if (Count == _qtys.Length)
            {
                Grow();
                mask = _qtys.Length - 1;
            }

            var at = (_head + Count) & mask;
            _times[at] = time;
            _qtys[at] = qty;
            Count++;
        }

        /// <summary>Drops entries with time ≤ <paramref name="cutoff"/> (no longer candidates: they need time &gt; cutoff).</summary>
        public void ExpireUpTo(long cutoff)
        {
            var mask = _qtys.Length - 1;
            while (Count > 0 && _times[_head] <= cutoff)
            {
                _head = (_head + 1) & mask;
                Count--;
            }
        }

        private void Grow()
        {
            var times = new long[_times.Length * 2];
            var qtys = new double[_qtys.Length * 2];
            for (var i = 0; i < Count; i++)
            {
                times[i] = _times[(_head + i) & (_times.Length - 1)];
                qtys[i] = _qtys[(_head + i) & (_qtys.Length - 1)];
            }

            (_times, _qtys, _head) = (times, qtys, 0);
        }
    }
}
