using System.Runtime.CompilerServices;

namespace ArbitrageEngine.Engine.State;

/// <summary>
/// Exact order statistics of the quantities in the 24 h window without sorting it at every tick.
/// Quantities are counted in buckets keyed by the top 16 bits of their IEEE-754 pattern (sign, exponent and
/// four mantissa bits), whose order matches the numeric order of positive doubles. A query finds the bucket
/// holding the wanted rank from the counts; the exact values of that bucket are kept by a watcher that is built
/// from the window (a full scan) only when the percentile moves to a bucket no watcher holds. Four watchers are
/// kept, least recently used replaced: p95 and p99 each keep their previous bucket, so a percentile that
/// oscillates across a bucket edge (it does, for hours) costs no scan after the first crossing.
/// </summary>
internal sealed class QtyPercentiles()
{
    private const int Buckets = 1 << 15; // positive doubles only: the sign bit is 0
    private const int GroupShift = 8;
    private readonly int[] _counts = new int[Buckets];
    private readonly int[] _groupCounts = new int[Buckets >> GroupShift];
    private readonly BucketWatcher[] _watchers = [new(), new(), new(), new()];
    private readonly ulong[] _watched = new ulong[Buckets / 64]; // bit per bucket held by a watcher
    private long _queries;

    public long Count { get; private set; }

    /// <summary>How often a watcher had to rescan the window (diagnostics).</summary>
    public long Rebuilds { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int KeyOf(double qty) => (int)((ulong)BitConverter.DoubleToInt64Bits(qty) >> 48) & (Buckets - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsWatched(int key) => (_watched[key >> 6] & (1UL << key)) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(double qty)
    {
        var key = KeyOf(qty);
        _counts[key]++;
        _groupCounts[key >> GroupShift]++;
        Count++;
        if (IsWatched(key))
        {
            WatcherOf(key)!.Add(qty);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Remove(double qty)
    {
        var key = KeyOf(qty);
        _counts[key]--;
        _groupCounts[key >> GroupShift]--;
        Count--;
        if (IsWatched(key))
        {
            WatcherOf(key)!.Remove(qty);
        }
    }

    private BucketWatcher? WatcherOf(int key)
    {
        foreach (var w in _watchers)
        {
            if (w.Key == key)
            {
                return w;
            }
        }

        return null;
    }

    /// <summary>The element of ascending rank <paramref name="rank"/> (0-based) among the window's |qty|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Select(long rank, TradeLog log)
    {
        if (rank < 0 || rank >= Count)
        {
            throw new ArgumentOutOfRangeException(nameof(rank));
        }

        long below = 0;
        var group = 0;
        while (below + _groupCounts[group] <= rank)
        {
            below += _groupCounts[group++];
        }

        var key = group << GroupShift;
        while (below + _counts[key] <= rank)
        {
            below += _counts[key++];
        }

        var w = WatcherOf(key);
        if (w is null)
        {
            // Replace the least recently used watcher (never one used by the other percentile at this tick).
            w = _watchers[0];
            foreach (var candidate in _watchers)
            {
                if (candidate.LastUsed < w.LastUsed)
                {
                    w = candidate;
                }
            }

            Rebuilds++;
            if (w.Key >= 0)
            {
                _watched[w.Key >> 6] &= ~(1UL << w.Key);
            }

            var lo = BitConverter.Int64BitsToDouble((long)key << 48);
            var hi = key + 1 < Buckets ? BitConverter.Int64BitsToDouble((long)(key + 1) << 48) : double.PositiveInfinity;
            w.Rebuild(key, log, lo, hi);
            _watched[key >> 6] |= 1UL << key;
        }

        w.LastUsed = ++_queries;
        return w.Select(rank - below);
    }

    /// <summary>
    /// Exact multiset of one bucket's members, split into 256 sub-buckets by the next 8 bits of the IEEE-754
    /// pattern (same order as the values). Each sub-bucket keeps its distinct values sorted with their counts, so
    /// add and remove are a binary search in a short array and a query walks 256 counts and one short array:
    /// no sort and no allocation per tick, however many distinct quantities the bucket holds.
    /// </summary>
    private sealed class BucketWatcher
    {
        private const int SubShift = 40;
        private const int SubCount = 256;
        private readonly int[] _subTotals = new int[SubCount];
        private readonly SortedCounts?[] _subs = new SortedCounts?[SubCount];

        public int Key { get; private set; } = -1;

        /// <summary>Query counter value at the last use (least recently used is replaced).</summary>
        public long LastUsed { get; set; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int SubOf(double qty) => (int)((ulong)BitConverter.DoubleToInt64Bits(qty) >> SubShift) & (SubCount - 1);

        public void Add(double qty)
        {
            var sub = SubOf(qty);
            _subTotals[sub]++;
            (_subs[sub] ??= new SortedCounts()).Add(qty);
        }

        public void Remove(double qty)
        {
            var sub = SubOf(qty);
            _subTotals[sub]--;
            _subs[sub]!.Remove(qty);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Rebuild(int key, TradeLog log, double lo, double hi)
        {
            Key = key;
            Array.Clear(_subTotals);
            foreach (var sub in _subs)
            {
                sub?.Clear();
            }

            for (var seq = log.Head; seq < log.End;)
            {
                var qtys = log.SegmentAt(seq, log.End).SignedQty;
                foreach (var signed in qtys)
                {
                    var q = Math.Abs(signed);
                    if (q >= lo && q < hi)
                    {
                        Add(q);
                    }
                }

                seq += qtys.Length;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public double Select(long rank)
        {
            var sub = 0;
            while (rank >= _subTotals[sub])
            {
                rank -= _subTotals[sub++];
                if (sub == SubCount)
                {
                    throw new InvalidOperationException("bucket counts out of sync");
                }
            }

            return _subs[sub]!.Select(rank);
        }
    }

    /// <summary>Distinct values in ascending order with their multiplicities.</summary>
    private sealed class SortedCounts
    {
        private double[] _values = new double[4];
        private int[] _counts = new int[4];
        private int _length;

        public void Clear() => _length = 0;

        public void Add(double value)
        {
            var i = IndexOf(value);
            if (i >= 0)
            {
                _counts[i]++;
                return;
            }

            i = ~i;
            if (_length == _values.Length)
            {
                Array.Resize(ref _values, _length * 2);
                Array.Resize(ref _counts, _length * 2);
            }

            Array.Copy(_values, i, _values, i + 1, _length - i);
            Array.Copy(_counts, i, _counts, i + 1, _length - i);
            _values[i] = value;
            _counts[i] = 1;
            _length++;
        }

        public void Remove(double value)
        {
            var i = IndexOf(value);
            if (i < 0)
            {
                throw new InvalidOperationException("bucket counts out of sync");
            }

            if (--_counts[i] == 0)
            {
                _length--;
                Array.Copy(_values, i + 1, _values, i, _length - i);
                Array.Copy(_counts, i + 1, _counts, i, _length - i);
            }
        }

        public double Select(long rank)
        {
            for (var i = 0; i < _length; i++)
            {
                rank -= _counts[i];
                if (rank < 0)
                {
                    return _values[i];
                }
            }

            throw new InvalidOperationException("bucket counts out of sync");
        }

        /// <summary>Index of <paramref name="value"/>, or the bitwise complement of where it belongs.</summary>
        private int IndexOf(double value)
        {
            int lo = 0, hi = _length - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var v = _values[mid];
                if (v < value)
                {
                    lo = mid + 1;
                }
                else if (v > value)
                {
                    hi = mid - 1;
                }
                else
                {
                    return mid;
                }
            }

            return ~lo;
        }
    }
}
