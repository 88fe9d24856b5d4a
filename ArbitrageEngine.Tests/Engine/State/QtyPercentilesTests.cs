using ArbitrageEngine.Engine.State;

namespace ArbitrageEngine.Tests.Engine.State;

public class QtyPercentilesTests
{
    // 1.05 and 1.07 sit in neighbouring buckets (the edge is 1.0625); 1.2, 2, 3, 5 in four others.
    private static (QtyPercentiles Percentiles, TradeLog Log, List<double> Values) Build(params (double Qty, int Count)[] groups)
    {
        var percentiles = new QtyPercentiles();
        var log = new TradeLog();
        var values = new List<double>();
        foreach (var (qty, count) in groups)
        {
            for (var i = 0; i < count; i++)
            {
                log.Append(log.End, log.End, 1, qty);
                percentiles.Add(qty);
                values.Add(qty);
            }
        }

        return (percentiles, log, values);
    }

    [Fact]
    public void Select_RankOscillatingAcrossBucketEdge_ScansOnlyOnFirstVisitAndStaysExact()
    {
        var (p, log, values) = Build((1.05, 100), (1.07, 100), (1.2, 100));

        Assert.Equal(1.05, p.Select(50, log));
        Assert.Equal(1.07, p.Select(150, log));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(1.07, p.Select(120 + i, log));
            Assert.Equal(1.05, p.Select(60 + i, log));
        }

        Assert.Equal(2, p.Rebuilds);

        // Watched buckets follow adds and removes exactly.
        p.Add(1.06);
        values.Add(1.06);
        p.Remove(1.05);
        values.Remove(1.05);
        values.Sort();
        Assert.Equal(values[99], p.Select(99, log));
        Assert.Equal(values[100], p.Select(100, log));
        Assert.Equal(2, p.Rebuilds);
    }

    [Fact]
    public void Select_MoreBucketsThanWatchers_ReplacesLeastRecentlyUsedAndStaysExact()
    {
        var (p, log, _) = Build((1.05, 10), (1.2, 10), (2, 10), (3, 10), (5, 10));

        Assert.Equal(1.05, p.Select(5, log));
        Assert.Equal(1.2, p.Select(15, log));
        Assert.Equal(2, p.Select(25, log));
        Assert.Equal(3, p.Select(35, log));
        Assert.Equal(5, p.Select(45, log)); // fifth bucket replaces 1.05's watcher
        Assert.Equal(1.2, p.Select(12, log)); // still watched
        Assert.Equal(5, p.Rebuilds);
        Assert.Equal(1.05, p.Select(0, log)); // rebuilt
        Assert.Equal(6, p.Rebuilds);
    }
}
