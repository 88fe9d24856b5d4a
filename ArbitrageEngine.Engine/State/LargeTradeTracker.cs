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
            // A trade left out earlier now qualifies: the specification's scan of the whole range, merged by agg_id.
            FullScans++;
            _leftOut.Clear();
            _merge.Clear();
            Scan(log, first, p99, _merge, merge: true);
            _recent.Clear();
            _recent.AddRange(_merge);
        }
        else
        {
            // Trades from here on were never examined: all are newer than every listed entry.
            Scan(log, Math.Max(first, _examinedEnd), p99, _recent, merge: false);
        }

        _examinedEnd = log.End;
    }

    /// <summary>
    /// Examines trades [<paramref name="from"/>, end): qty ≥ p99 goes to <paramref name="into"/>, the rest to the
    /// left-out maximum. With <paramref name="merge"/>, listed entries are merged in agg_id order and never re-added
    /// nor counted as left out. One method for both paths so the rare full scan is compiled with the first tick.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Scan(TradeLog log, long from, double p99, List<LargeTrade> into, bool merge)
    {
        var existing = 0;
        var end = log.End;
        for (var seq = from; seq < end;)
        {
            var segment = log.SegmentAt(seq, end);
            var times = segment.Time;
            var qtys = segment.SignedQty;
            for (var j = 0; j < qtys.Length; j++)
            {
                if (merge)
                {
                    var aggId = segment.AggId[j];
                    while (existing < _recent.Count && _recent[existing].AggId < aggId)
                    {
                        into.Add(_recent[existing++]);
                    }

                    if (existing < _recent.Count && _recent[existing].AggId == aggId)
                    {
                        into.Add(_recent[existing++]);
                        continue;
                    }
                }

                var signed = qtys[j];
                var qty = Math.Abs(signed);
                if (qty >= p99)
                {
                    into.Add(new LargeTrade(segment.AggId[j], times[j], qty, signed < 0));
                }
                else
                {
                    _leftOut.Push(times[j], qty);
                }
            }

            seq += qtys.Length;
        }

        while (merge && existing < _recent.Count)
        {
            into.Add(_recent[existing++]);
        }
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
