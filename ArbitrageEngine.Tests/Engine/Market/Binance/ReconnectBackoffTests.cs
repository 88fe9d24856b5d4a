using ArbitrageEngine.Engine.Market.Binance;

namespace ArbitrageEngine.Tests.Engine.Market.Binance;

public class ReconnectBackoffTests
{
    [Fact]
    public void Delay_SuccessiveAttempts_DoubleWithinJitterUpToCap()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), 0.2, new Random(1));

        for (var attempt = 0; attempt < 12; attempt++)
        {
            var nominal = Math.Min(60_000, 1000 * Math.Pow(2, attempt));
            var ms = backoff.Delay(attempt).TotalMilliseconds;
            Assert.InRange(ms, nominal * 0.8, Math.Min(60_000, nominal * 1.2));
        }
    }

    [Fact]
    public void Delay_SameSeed_SameSequence()
    {
        var a = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), 0.2, new Random(5));
        var b = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), 0.2, new Random(5));

        Assert.Equal(Enumerable.Range(0, 8).Select(a.Delay), Enumerable.Range(0, 8).Select(b.Delay));
    }
}
