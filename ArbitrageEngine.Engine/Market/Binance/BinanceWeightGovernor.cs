namespace ArbitrageEngine.Engine.Market.Binance;

/// <summary>
/// Request-weight budget per UTC clock minute (OBSERVED.md: the window is the clock minute). The server's
/// X-MBX-USED-WEIGHT-1M is the truth; requests wait for the next minute before (1 − margin) × limit is reached.
/// A 429/418 blocks every request until its Retry-After.
/// </summary>
public sealed class BinanceWeightGovernor(BinanceOptions options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly int _budget = (int)Math.Floor(options.WeightLimitPerMinute * (1 - options.WeightSafetyMargin));
    private long _minute = -1;
    private int _used;
    private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;

    /// <summary>Weight used in the current minute as far as this client knows.</summary>
    public int UsedWeight
    {
        get
        {
            lock (_lock)
            {
                return _minute == CurrentMinute() ? _used : 0;
            }
        }
    }

    public DateTimeOffset BlockedUntil
    {
        get
        {
            lock (_lock)
            {
                return _blockedUntil;
            }
        }
    }

    /// <summary>How long a request of <paramref name="weight"/> must wait now (zero = go; the weight is then reserved).</summary>
    public TimeSpan TryReserve(int weight)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (now < _blockedUntil)
            {
                return _blockedUntil - now;
            }

            var minute = now.ToUnixTimeMilliseconds() / 60_000;
            if (minute != _minute)
            {
                _minute = minute;
                _used = 0;
            }

            if (_used + weight > _budget && _used > 0)
            {
                return DateTimeOffset.FromUnixTimeMilliseconds((minute + 1) * 60_000) - now + TimeSpan.FromMilliseconds(50);
            }

            _used += weight;
            return TimeSpan.Zero;
        }
    }

    public async Task WaitTurnAsync(int weight, CancellationToken cancellationToken)
    {
        for (var wait = TryReserve(weight); wait > TimeSpan.Zero; wait = TryReserve(weight))
        {
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    /// <summary>Adopts the server's X-MBX-USED-WEIGHT-1M for the current minute.</summary>
    public void OnUsedWeight(int usedWeight)
    {
        lock (_lock)
        {
            var minute = time.GetUtcNow().ToUnixTimeMilliseconds() / 60_000;
            if (minute != _minute)
            {
                _minute = minute;
                _used = 0;
            }

            _used = Math.Max(_used, usedWeight);
        }
    }

    /// <summary>Blocks all requests until <paramref name="until"/> (429/418 Retry-After).</summary>
    public void BlockUntil(DateTimeOffset until)
    {
        lock (_lock)
        {
            if (until > _blockedUntil)
            {
                _blockedUntil = until;
            }
        }
    }

    private long CurrentMinute() => time.GetUtcNow().ToUnixTimeMilliseconds() / 60_000;
}
