namespace ArbitrageEngine.Engine.State;

/// <summary>
/// Wilder ATR over completed candles of <see cref="PeriodMs"/> (engine.md §2.2), plus the ATR percentile
/// history recorded once per snapshot.
/// </summary>
internal sealed class AtrCalculator(int length = 14, long periodMs = 300_000, int historyLength = 288)
{
    private readonly Candle[] _completed = new Candle[length + 1];
    private int _completedStart;
    private int _completedCount;
    private readonly double[] _history = new double[historyLength];
    private int _historyStart;
    private int _historyCount;
    private Candle _current;
    private bool _hasCurrent;
    private long _currentBarEnd = long.MinValue;

    public long PeriodMs { get; } = periodMs;

    public int CompletedCount => _completedCount;

    public int HistoryCount => _historyCount;

    private struct Candle
    {
        public long Bar;
        public double High;
        public double Low;
        public double Close;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void OnTrade(long timeMs, double price)
    {
        // Same candle in the common case: compare against the bar's bounds instead of dividing per trade.
        if (timeMs < _currentBarEnd && timeMs >= _current.Bar)
        {
            if (price > _current.High)
            {
                _current.High = price;
            }
            else if (price < _current.Low)
            {
                _current.Low = price;
            }

            _current.Close = price;
            return;
        }

        StartCandle(timeMs, price);
    }

    private void StartCandle(long timeMs, double price)
    {
        if (_hasCurrent)
        {
            PushCompleted(_current);
        }

        var bar = timeMs / PeriodMs * PeriodMs;
        _current = new Candle { Bar = bar, High = price, Low = price, Close = price };
        _currentBarEnd = bar + PeriodMs;
        _hasCurrent = true;
    }

    private void PushCompleted(Candle candle)
    {
        var capacity = _completed.Length;
        if (_completedCount == capacity)
        {
            _completed[_completedStart] = candle;
            _completedStart = (_completedStart + 1) % capacity;
        }
        else
        {
            _completed[(_completedStart + _completedCount) % capacity] = candle;
            _completedCount++;
        }
    }

    /// <summary>ATR of the completed candles, 0 with fewer than two.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public double Atr()
    {
        if (_completedCount < 2)
        {
            return 0.0;
        }

        var capacity = _completed.Length;
        var atr = 0.0;
        var prevClose = _completed[_completedStart].Close;
        for (var i = 1; i < _completedCount; i++)
        {
            var c = _completed[(_completedStart + i) % capacity];
            var tr = Math.Max(c.High - c.Low, Math.Max(Math.Abs(c.High - prevClose), Math.Abs(c.Low - prevClose)));
            atr = i == 1 ? tr : ((atr * (length - 1)) + tr) / length;
            prevClose = c.Close;
        }

        return atr;
    }

    /// <summary>Records <paramref name="atr"/> and returns its percentile (50 while ATR is 0 or the history is short).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public double RecordPercentile(double atr)
    {
        if (atr == 0.0)
        {
            return 50.0;
        }

        var capacity = _history.Length;
        if (_historyCount == capacity)
        {
            _history[_historyStart] = atr;
            _historyStart = (_historyStart + 1) % capacity;
        }
        else
        {
            _history[(_historyStart + _historyCount) % capacity] = atr;
            _historyCount++;
        }

        if (_historyCount < 10)
        {
            return 50.0;
        }

        var atOrBelow = 0;
        for (var i = 0; i < _historyCount; i++)
        {
            if (_history[i] <= atr)
            {
                atOrBelow++;
            }
        }

        return 100.0 * atOrBelow / _historyCount;
    }
}
