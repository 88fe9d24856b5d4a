using ArbitrageEngine.Engine.State;

namespace ArbitrageEngine.Tests.Engine.State;

public class TradeLogTests
{
    [Fact]
    public void SeekTime_FromAnyStartAndAnyTime_EqualsBinarySearch()
    {
        // Times with long runs of equal values across block boundaries, part of the head dropped.
        var log = new TradeLog();
        var rng = new Random(2);
        long t = 0;
        for (var i = 0; i < (TradeLog.BlockSize * 2) + 1_000; i++)
        {
            t += rng.Next(3) == 0 ? rng.Next(1, 50) : 0;
            log.Append(i, t, 1, 1);
        }

        log.DropHeadTo(TradeLog.BlockSize + 17);
        var maxTime = log.TimeAt(log.End - 1);
        for (var k = 0; k < 2_000; k++)
        {
            var from = rng.NextInt64(0, log.End + 10);
            var minTime = rng.NextInt64(-10, maxTime + 10);

            Assert.Equal(log.LowerBoundTime(from, minTime), log.SeekTime(from, minTime));
        }
    }

    [Fact]
    public void SegmentAt_RangeAcrossBlocks_StopsAtTheBlockEnd()
    {
        var log = new TradeLog();
        for (var i = 0; i < TradeLog.BlockSize + 10; i++)
        {
            log.Append(100 + i, i, 1, i % 2 == 0 ? 1 : -1);
        }

        var first = log.SegmentAt(TradeLog.BlockSize - 3, log.End);
        var second = log.SegmentAt(TradeLog.BlockSize, log.End);

        Assert.Equal(3, first.Length);
        Assert.Equal(100 + TradeLog.BlockSize - 3, first.AggId[0]);
        Assert.Equal(10, second.Length);
        Assert.Equal(TradeLog.BlockSize, second.Time[0]);
        Assert.Equal(1, second.SignedQty[0]);
    }
}
