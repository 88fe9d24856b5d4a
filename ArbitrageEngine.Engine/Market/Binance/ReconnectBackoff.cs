namespace ArbitrageEngine.Engine.Market.Binance;

/// <summary>Exponential back-off (initial × 2^attempt, capped) with ±jitter from an injectable (seedable) random source.</summary>
public sealed class ReconnectBackoff(TimeSpan initial, TimeSpan max, double jitter, Random random)
{
    private readonly Lock _lock = new();

    public ReconnectBackoff(BinanceOptions options, Random random)
        : this(options.ReconnectInitialDelay, options.ReconnectMaxDelay, options.ReconnectJitter, random)
    {
    }

    /// <summary>Delay before reconnect attempt <paramref name="attempt"/> (0 = first retry).</summary>
    public TimeSpan Delay(int attempt)
    {
        var baseMs = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt, 0, 30)));
        double unit;
        lock (_lock)
        {
            unit = random.NextDouble();
        }

        var ms = baseMs * (1 + (jitter * ((unit * 2) - 1)));
        return TimeSpan.FromMilliseconds(Math.Clamp(ms, 0, max.TotalMilliseconds));
    }
}
