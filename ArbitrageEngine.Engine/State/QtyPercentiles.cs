using System.Runtime.CompilerServices;

namespace ArbitrageEngine.Engine.State;

/// <summary>
/// Exact order statistics of the quantities in the 24 h window without sorting it at every tick.
/// Quantities are counted in buckets keyed by the top 16 bits of their IEEE-754 pattern (sign, exponent and
/// four mantissa bits), whose order matches the numeric order of positive doubles. A query finds the bucket
/// holding the wanted rank from the counts, then selects exactly among that bucket's members only.
/// </summary>
internal sealed class QtyPercentiles
{
    private const int Buckets = 1 << 15; // positive doubles only: the sign bit is 0
    private const int GroupShift = 8;
    private readonly int[] _counts = new int[Buckets];
    private readonly int[] _groupCounts = new int[Buckets >> GroupShift];
    private double[] _scratch = new double[1024];

    public long Count { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int KeyOf(double qty) => (int)((ulong)BitConverter.DoubleToInt64Bits(qty) >> 48) & (Buckets - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(double qty)
    {
        var key = KeyOf(qty);
        _counts[key]++;
        _groupCounts[key >> GroupShift]++;
        Count++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Remove(double qty)
    {
        var key = KeyOf(qty);
        _counts[key]--;
        _groupCounts[key >> GroupShift]--;
        Count--;
    }

    /// <summary>The element of ascending rank <paramref name="rank"/> (0-based) among the window's |qty|.</summary>
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

        var lo = BitConverter.Int64BitsToDouble((long)key << 48);
        var hi = key + 1 < Buckets ? BitConverter.Int64BitsToDouble((long)(key + 1) << 48) : double.PositiveInfinity;
        if (_scratch.Length < _counts[key])
        {
            _scratch = new double[Math.Max(_counts[key], _scratch.Length * 2)];
        }

        var n = log.CollectQtyInRange(lo, hi, _scratch);
        return QuickSelect(_scratch.AsSpan(0, n), (int)(rank - below));
    }

    private static double QuickSelect(Span<double> values, int k)
    {
        int left = 0, right = values.Length - 1;
        while (left < right)
        {
            var pivot = values[left + ((right - left) >> 1)];
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                return values[k];
            }
        }

        return values[k];
    }
}
