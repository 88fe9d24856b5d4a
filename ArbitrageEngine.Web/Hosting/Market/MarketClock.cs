namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>
/// The clock of the market pipeline (simulated market, tick source). <c>Market:TimeScale</c> = 1 is the system clock;
/// a larger value runs market time faster than wall time from <c>Market:TimeScaleOrigin</c> (default: the moment the app starts) (tests run 20 market minutes
/// in 2 real ones). Only the market pipeline uses it: accounts, cookies and pages keep the real clock.
/// </summary>
public sealed class MarketClock : TimeProvider
{
    private readonly TimeProvider _inner;
    private readonly double _scale;
    private readonly long _originWallMs;

    public MarketClock(TimeProvider inner, double scale, DateTimeOffset? origin = null)
    {
        _inner = inner;
        _scale = scale;
        _originWallMs = (origin ?? inner.GetUtcNow()).ToUnixTimeMilliseconds();
    }

    public double Scale => _scale;

    public override DateTimeOffset GetUtcNow()
    {
        var now = _inner.GetUtcNow();
        if (_scale == 1)
        {
            return now;
        }

        var elapsed = now.ToUnixTimeMilliseconds() - _originWallMs;
        return DateTimeOffset.FromUnixTimeMilliseconds(_originWallMs + (long)(elapsed * _scale));
    }

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override long GetTimestamp() => _scale == 1 ? _inner.GetTimestamp() : (long)(_inner.GetTimestamp() * _scale);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _inner.CreateTimer(callback, state, Scaled(dueTime), Scaled(period));

    private TimeSpan Scaled(TimeSpan span) =>
        _scale == 1 || span == Timeout.InfiniteTimeSpan ? span : TimeSpan.FromTicks(Math.Max(1, (long)(span.Ticks / _scale)));
}
