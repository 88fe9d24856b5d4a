using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;

namespace ArbitrageEngine.Engine.State;

/// <summary>
/// Exact order statistics of the quantities in the 24 h window without sorting it at every tick.
/// Quantities are counted in buckets keyed by the top 16 bits of their IEEE-754 pattern (sign, exponent and
/// four mantissa bits), whose order matches the numeric order of positive doubles. A query finds the bucket
/// holding the wanted rank from the counts; the exact values of that bucket are kept by a watcher (one per
/// percentile) that is rebuilt from the window only when the percentile moves to another bucket.
/// </summary>
internal sealed class QtyPercentiles()
{
    private const int Buckets = 1 << 15; // positive doubles only: the sign bit is 0
    private const int GroupShift = 8;
    private readonly int[] _counts = new int[Buckets];
    private readonly int[] _groupCounts = new int[Buckets >> GroupShift];
    private readonly BucketWatcher[] _watchers = [new(), new()]; // one per percentile: p95, p99

    private int _watchKey0 = -1;
    private int _watchKey1 = -1;

    public long Count { get; private set; }

    private void Watched(int key, double qty, bool add)
    {
        foreach (var w in _watchers)
        {
            if (w.Key != key)
            {
                continue;
            }

            if (add)
            {
                w.Add(qty);
            }
            else
            {
                w.Remove(qty);
            }
        }
    }

    /// <summary>How often a watcher had to rescan the window (diagnostics).</summary>
    public long Rebuilds { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int KeyOf(double qty) => (int)((ulong)BitConverter.DoubleToInt64Bits(qty) >> 48) & (Buckets - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(double qty)
    {
        var key = KeyOf(qty);
        _counts[key]++;
        _groupCounts[key >> GroupShift]++;
        Count++;
        if (key == _watchKey0 || key == _watchKey1)
        {
            Watched(key, qty, add: true);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Remove(double qty)
    {
        var key = KeyOf(qty);
        _counts[key]--;
        _groupCounts[key >> GroupShift]--;
        Count--;
        if (key == _watchKey0 || key == _watchKey1)
        {
            Watched(key, qty, add: false);
        }
    }

    /// <summary>The element of ascending rank <paramref name="rank"/> (0-based) among the window's |qty|, using watcher <paramref name="watcher"/>.</summary>
    public double Select(long rank, TradeLog log, int watcher)
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

        var w = _watchers[watcher];
        if (w.Key != key)
        {
            Rebuilds++;
            var lo = BitConverter.Int64BitsToDouble((long)key << 48);
            var hi = key + 1 < Buckets ? BitConverter.Int64BitsToDouble((long)(key + 1) << 48) : double.PositiveInfinity;
            w.Rebuild(key, log, lo, hi);
            (_watchKey0, _watchKey1) = (_watchers[0].Key, _watchers[1].Key);
        }

        return w.Select(rank - below);
    }

    /// <summary>Exact multiset (value → count) of one bucket's members.</summary>
    private sealed class BucketWatcher
    {
        private readonly Dictionary<double, int> _counts = [];
        private double[] _sorted = [];
        private bool _dirty = true;

        public int Key { get; private set; } = -1;

        public void Add(double qty)
        {
            ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(_counts, qty, out var exists);
            count++;
            _dirty |= !exists;
        }

        public void Remove(double qty)
        {
            ref var count = ref CollectionsMarshal.GetValueRefOrNullRef(_counts, qty);
            if (--count == 0)
            {
                _counts.Remove(qty);
                _dirty = true;
            }
        }

        public void Rebuild(int key, TradeLog log, double lo, double hi)
        {
            Key = key;
            _counts.Clear();
            log.ForEachQtyInRange(lo, hi, this, static (w, q) => w._counts[q] = w._counts.GetValueOrDefault(q) + 1);
            _dirty = true;
        }

        public double Select(long rank)
        {
            if (_dirty)
            {
                if (_sorted.Length != _counts.Count)
                {
                    _sorted = new double[_counts.Count];
                }

                _counts.Keys.CopyTo(_sorted, 0);
                Array.Sort(_sorted);
                _dirty = false;
            }

            foreach (var value in _sorted)
            {
                rank -= _counts[value];
                if (rank < 0)
                {
                    return value;
                }
            }

            throw new InvalidOperationException("bucket counts out of sync");
        }
    }
}
