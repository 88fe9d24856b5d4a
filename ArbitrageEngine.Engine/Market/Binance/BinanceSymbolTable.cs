using System.Text;

namespace ArbitrageEngine.Engine.Market.Binance;

/// <summary>Maps the UTF-8 symbol bytes of a frame to a configured symbol without allocating a string per frame.</summary>
public sealed class BinanceSymbolTable
{
    private readonly byte[][] _utf8;

    public BinanceSymbolTable(IEnumerable<string> symbols)
    {
        Names = [.. symbols.Select(s => s.ToUpperInvariant())];
        _utf8 = [.. Names.Select(Encoding.UTF8.GetBytes)];
    }

    public IReadOnlyList<string> Names { get; }

    public int Count => _utf8.Length;

    /// <summary>Index of the symbol, or -1 when it is not configured.</summary>
    public int IndexOf(ReadOnlySpan<byte> utf8)
    {
        for (var i = 0; i < _utf8.Length; i++)
        {
            if (utf8.SequenceEqual(_utf8[i]))
            {
                return i;
            }
        }

        return -1;
    }

    public int IndexOf(string symbol) => IndexOf(Encoding.UTF8.GetBytes(symbol.ToUpperInvariant()));
}
