namespace ArbitrageEngine.Engine.Market;

/// <summary>Latest value of every market feature for one symbol; null = missing (never 0 by default).</summary>
public sealed class MarketFeatures
{
    private readonly double?[] _values = new double?[FeatureKeys.Count];
    private readonly long[] _times = Enumerable.Repeat(long.MinValue, FeatureKeys.Count).ToArray();

    public double? this[FeatureKey key] => _values[(int)key];

    public long TimeOf(FeatureKey key) => _times[(int)key];

    /// <summary>Keeps the newest reading by its own timestamp; an older reading is ignored. Null clears the feature.</summary>
    public bool Set(FeatureKey key, double? value, long timeMs)
    {
        var i = (int)key;
        if (timeMs < _times[i])
        {
            return false;
        }

        _values[i] = value;
        _times[i] = timeMs;
        return true;
    }

    public IReadOnlyDictionary<string, double?> ToDictionary()
    {
        var result = new Dictionary<string, double?>(FeatureKeys.Count);
        foreach (var key in FeatureKeys.All)
        {
            result[key.Name()] = _values[(int)key];
        }

        return result;
    }
}
