namespace ArbitrageEngine.Engine.State;

/// <summary>
/// Memo of texts derived from one snapshot and a few numbers (e.g. a gate's "low_vol(0.0011&lt;0.002)"), so
/// strategies sharing a threshold share one formatted string instead of formatting it each (formatting is most of
/// a blocked strategy's scoring cost). Keys compare the exact bit patterns, so a memoised text is the text the
/// formatter would produce. Safe for concurrent scorers of the same snapshot.
/// </summary>
internal sealed class SnapshotTexts
{
    private readonly Dictionary<(int Kind, long A, long B), string> _texts = [];
    private readonly Lock _lock = new();

    /// <summary>The text of (<paramref name="kind"/>, <paramref name="a"/>, <paramref name="b"/>), formatted once by <paramref name="format"/>.</summary>
    public string GetOrAdd(int kind, double a, double b, Func<double, double, string> format)
    {
        var key = (kind, BitConverter.DoubleToInt64Bits(a), BitConverter.DoubleToInt64Bits(b));
        lock (_lock)
        {
            if (_texts.TryGetValue(key, out var text))
            {
                return text;
            }
        }

        var formatted = format(a, b);
        lock (_lock)
        {
            return _texts.TryAdd(key, formatted) ? formatted : _texts[key];
        }
    }
}
