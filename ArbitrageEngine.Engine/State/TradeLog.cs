using System.Runtime.CompilerServices;

namespace ArbitrageEngine.Engine.State;

/// <summary>
/// The trades of one symbol's 24 h window, stored once as a structure of arrays in fixed-size blocks
/// addressed by a global sequence number (the n-th accepted trade of the symbol). Shorter windows are
/// suffixes of this one, so they are just start sequences into the same storage.
/// Per trade: agg_id, time, price, signed quantity (negative = taker sell) and the prefix sum of signed quantity
/// before it, which makes the CVD of any suffix O(1) once its start is known (O(log n) to find by time).
/// Blocks keep the memory at ~40 bytes per windowed trade with at most one block of slack.
/// </summary>
internal sealed class TradeLog
{
    internal const int BlockShift = 16;
    internal const int BlockSize = 1 << BlockShift;
    private const int BlockMask = BlockSize - 1;

    private Block[] _blocks = new Block[4];
    private int _blockCount;
    private long _firstBlock; // block number (seq >> BlockShift) of _blocks[0]
    private Block? _spare;
    private Block? _tail;

    /// <summary>Sequence of the oldest live trade.</summary>
    public long Head { get; private set; }

    /// <summary>Sequence the next trade will get.</summary>
    public long End { get; private set; }

    /// <summary>Signed quantity of every trade ever appended (running prefix).</summary>
    public double Total { get; private set; }

    public long Count => End - Head;

    private sealed class Block
    {
        public readonly long[] AggId = new long[BlockSize];
        public readonly long[] Time = new long[BlockSize];
        public readonly double[] Price = new double[BlockSize];
        public readonly double[] SignedQty = new double[BlockSize];
        public readonly double[] PrefixBefore = new double[BlockSize];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Block BlockOf(long seq) => _blocks[(int)((seq >> BlockShift) - _firstBlock)];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long TimeAt(long seq) => BlockOf(seq).Time[(int)(seq & BlockMask)];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long AggIdAt(long seq) => BlockOf(seq).AggId[(int)(seq & BlockMask)];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double PriceAt(long seq) => BlockOf(seq).Price[(int)(seq & BlockMask)];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double SignedQtyAt(long seq) => BlockOf(seq).SignedQty[(int)(seq & BlockMask)];

    /// <summary>Signed quantity (CVD) of the trades from <paramref name="start"/> to the newest.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double CvdFrom(long start) => start >= End ? 0.0 : Total - BlockOf(start).PrefixBefore[(int)(start & BlockMask)];

    public void Append(long aggId, long timeMs, double price, double signedQty)
    {
        var seq = End;
        var offset = (int)(seq & BlockMask);
        if (offset == 0 || _blockCount == 0)
        {
            AddBlock(seq >> BlockShift);
        }

        var block = _tail!;
        block.AggId[offset] = aggId;
        block.Time[offset] = timeMs;
        block.Price[offset] = price;
        block.SignedQty[offset] = signedQty;
        block.PrefixBefore[offset] = Total;
        Total += signedQty;
        End = seq + 1;
    }

    /// <summary>Drops every trade before <paramref name="newHead"/>; emptied blocks are recycled.</summary>
    public void DropHeadTo(long newHead)
    {
        Head = Math.Min(newHead, End);
        while (_blockCount > 0 && (Head >> BlockShift) > _firstBlock)
        {
            _spare = _blocks[0];
            Array.Copy(_blocks, 1, _blocks, 0, _blockCount - 1);
            _blocks[--_blockCount] = null!;
            _firstBlock++;
        }
    }

    /// <summary>
    /// First sequence at or after <paramref name="start"/> whose time is ≥ <paramref name="cutoff"/>, scanning forward
    /// block by block (windows advance a few trades at a time, so a linear scan beats a binary search here).
    /// </summary>
    public long SkipBefore(long start, long cutoff)
    {
        var seq = start;
        while (seq < End)
        {
            var times = BlockOf(seq).Time;
            var i = (int)(seq & BlockMask);
            var stop = (int)Math.Min(BlockSize, i + (End - seq));
            var j = i;
            while (j < stop && times[j] < cutoff)
            {
                j++;
            }

            seq += j - i;
            if (j < stop)
            {
                break;
            }
        }

        return seq;
    }

    /// <summary>The trades [<paramref name="seq"/>, <paramref name="end"/>) that lie in <paramref name="seq"/>'s block, as spans (block-wise loops avoid a block lookup per trade).</summary>
    public Segment SegmentAt(long seq, long end)
    {
        var block = BlockOf(seq);
        var start = (int)(seq & BlockMask);
        var length = (int)Math.Min(BlockSize - start, end - seq);
        return new Segment(block.AggId.AsSpan(start, length), block.Time.AsSpan(start, length), block.SignedQty.AsSpan(start, length));
    }

    /// <summary>Consecutive trades of one block: agg_id, time and signed quantity.</summary>
    public readonly ref struct Segment(ReadOnlySpan<long> aggId, ReadOnlySpan<long> time, ReadOnlySpan<double> signedQty)
    {
        public ReadOnlySpan<long> AggId { get; } = aggId;
        public ReadOnlySpan<long> Time { get; } = time;
        public ReadOnlySpan<double> SignedQty { get; } = signedQty;
        public int Length => Time.Length;
    }

    /// <summary>Σ(price·|qty|) and Σ|qty| over [from, to).</summary>
    public (double PriceQty, double Qty) SumPriceQty(long from, long to)
    {
        double pq = 0, q = 0;
        for (var seq = from; seq < to;)
        {
            var block = BlockOf(seq);
            var i = (int)(seq & BlockMask);
            var stop = (int)Math.Min(BlockSize, i + (to - seq));
            var prices = block.Price;
            var qtys = block.SignedQty;
            for (var j = i; j < stop; j++)
            {
                var qty = Math.Abs(qtys[j]);
                pq += prices[j] * qty;
                q += qty;
            }

            seq += stop - i;
        }

        return (pq, q);
    }

    /// <summary>Removes |qty| of every trade in [from, to) from <paramref name="percentiles"/>.</summary>
    public void RemoveQuantities(long from, long to, QtyPercentiles percentiles)
    {
        for (var seq = from; seq < to;)
        {
            var qtys = BlockOf(seq).SignedQty;
            var i = (int)(seq & BlockMask);
            var stop = (int)Math.Min(BlockSize, i + (to - seq));
            for (var j = i; j < stop; j++)
            {
                percentiles.Remove(Math.Abs(qtys[j]));
            }

            seq += stop - i;
        }
    }

    /// <summary>First sequence in [from, End) whose time is ≥ <paramref name="minTime"/> (binary search; times are non-decreasing).</summary>
    public long LowerBoundTime(long from, long minTime)
    {
        long lo = Math.Max(from, Head), hi = End;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (TimeAt(mid) < minTime)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>
    /// First sequence at or after max(<paramref name="from"/>, head) whose time is ≥ <paramref name="minTime"/>: an
    /// exponential search forward from <paramref name="from"/>, then a binary search. A window start that moved a few
    /// hundred trades since the last tick costs a few probes in cache-hot memory; a long jump stays logarithmic.
    /// </summary>
    public long SeekTime(long from, long minTime)
    {
        var lo = Math.Max(from, Head);
        if (lo >= End || TimeAt(lo) >= minTime)
        {
            return lo;
        }

        // Invariant: TimeAt(lo) < minTime; the answer lies in (lo, hi].
        long hi = End, step = 1;
        while (lo + step < End)
        {
            if (TimeAt(lo + step) >= minTime)
            {
                hi = lo + step;
                break;
            }

            lo += step;
            step <<= 1;
        }

        lo++;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (TimeAt(mid) < minTime)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Recomputes every stored prefix exactly from the window contents, rebased at the head.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RecomputePrefixes()
    {
        var running = 0.0;
        for (var seq = Head; seq < End; seq++)
        {
            var block = BlockOf(seq);
            var i = (int)(seq & BlockMask);
            block.PrefixBefore[i] = running;
            running += block.SignedQty[i];
        }

        Total = running;
    }

    /// <summary>Managed bytes held by the storage (for the memory-per-trade figure).</summary>
    public long AllocatedBytes => (long)(_blockCount + (_spare is null ? 0 : 1)) * BlockSize * 40L + _blocks.Length * 8L;

    private void AddBlock(long blockNumber)
    {
        if (_blockCount == 0)
        {
            _firstBlock = blockNumber;
        }

        if (_blockCount == _blocks.Length)
        {
            Array.Resize(ref _blocks, _blocks.Length * 2);
        }

        _blocks[_blockCount++] = _tail = _spare ?? new Block();
        _spare = null;
    }
}
