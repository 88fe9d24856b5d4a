using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ArbitrageEngine.Engine.Market.Binance;

/// <summary>What a combined-stream frame carries, from the stream name after the first '@'.</summary>
public enum BinanceStreamKind
{
    Other,
    AggTrade,
    MarkPrice,
    ForceOrder,
    Depth,
    BookTicker,
}

/// <summary>
/// Allocation-free parsers (Utf8JsonReader) of Binance WebSocket frames (binance.md "Frames"). Unknown fields are
/// skipped; a parser returns false when a required field is missing or unreadable (a malformed frame). A symbol that
/// is not configured yields symbol index -1 and true (ignored, not malformed).
/// </summary>
public static class BinanceFrameParser
{
    /// <summary>
    /// Reads the combined envelope <c>{"stream":"…","data":{…}}</c> (fields in any order). Returns false for invalid
    /// JSON or an envelope without data; a non-envelope frame (e.g. a SUBSCRIBE ack) returns true with kind Other.
    /// </summary>
    public static bool TryReadEnvelope(ReadOnlySpan<byte> frame, out BinanceStreamKind kind, out Range data)
    {
        kind = BinanceStreamKind.Other;
        data = default;
        try
        {
            var reader = new Utf8JsonReader(frame);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var hasStream = false;
            var hasData = false;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    return false;
                }

                if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }

                    kind = KindOf(reader.ValueSpan);
                    hasStream = true;
                }
                else if (reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    data = new Range(start, (int)reader.BytesConsumed);
                    hasData = true;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject)
            {
                return false;
            }

            if (!hasStream)
            {
                kind = BinanceStreamKind.Other;
                return true; // {"result":null,"id":1} and other control answers
            }

            return hasData;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Stream kind from a name such as <c>btcusdt@markPrice@1s</c>.</summary>
    public static BinanceStreamKind KindOf(ReadOnlySpan<byte> stream)
    {
        var at = stream.IndexOf((byte)'@');
        if (at < 0)
        {
            return BinanceStreamKind.Other;
        }

        var topic = stream[(at + 1)..];
        if (topic.StartsWith("aggTrade"u8))
        {
            return BinanceStreamKind.AggTrade;
        }

        if (topic.StartsWith("markPrice"u8))
        {
            return BinanceStreamKind.MarkPrice;
        }

        if (topic.StartsWith("forceOrder"u8))
        {
            return BinanceStreamKind.ForceOrder;
        }

        if (topic.StartsWith("depth"u8))
        {
            return BinanceStreamKind.Depth;
        }

        return topic.StartsWith("bookTicker"u8) ? BinanceStreamKind.BookTicker : BinanceStreamKind.Other;
    }

    /// <summary>aggTrade data: a, p, q, T, m, s (required).</summary>
    public static bool TryParseAggTrade(ReadOnlySpan<byte> data, BinanceSymbolTable symbols, out int symbol, out AggTrade trade)
    {
        symbol = -1;
        trade = default;
        long id = -1, time = -1;
        double price = double.NaN, qty = double.NaN;
        int maker = -1;
        var hasSymbol = false;
        try
        {
            var r = new Utf8JsonReader(data);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("a"u8))
                {
                    if (!ReadInt64(ref r, out id))
                    {
                        return false;
                    }
                }
                else if (r.ValueTextEquals("p"u8))
                {
                    if (!ReadDouble(ref r, out price))
                    {
                        return false;
                    }
                }
                else if (r.ValueTextEquals("q"u8))
                {
                    if (!ReadDouble(ref r, out qty))
                    {
                        return false;
                    }
                }
                else if (r.ValueTextEquals("T"u8))
                {
                    if (!ReadInt64(ref r, out time))
                    {
                        return false;
                    }
                }
                else if (r.ValueTextEquals("m"u8))
                {
                    r.Read();
                    if (r.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                    {
                        return false;
                    }

                    maker = r.TokenType == JsonTokenType.True ? 1 : 0;
                }
                else if (r.ValueTextEquals("s"u8))
                {
                    if (!ReadSymbol(ref r, symbols, out symbol))
                    {
                        return false;
                    }

                    hasSymbol = true;
                }
                else
                {
                    r.Read();
                    r.Skip();
                }
            }

            if (!hasSymbol || id < 0 || time <= 0 || maker < 0 || !(price > 0) || !(qty >= 0))
            {
                return false;
            }

            trade = new AggTrade(id, time, price, qty, maker == 1);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>markPriceUpdate data: s, E, p (mark), i (index), r (funding), T (next funding).</summary>
    public static bool TryParseMarkPrice(ReadOnlySpan<byte> data, BinanceSymbolTable symbols, out int symbol, out FundingSnapshot funding)
    {
        symbol = -1;
        funding = default;
        long eventTime = -1, next = 0;
        double mark = double.NaN, index = double.NaN, rate = double.NaN;
        var hasSymbol = false;
        try
        {
            var r = new Utf8JsonReader(data);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                var ok = true;
                if (r.ValueTextEquals("E"u8))
                {
                    ok = ReadInt64(ref r, out eventTime);
                }
                else if (r.ValueTextEquals("p"u8))
                {
                    ok = ReadDouble(ref r, out mark);
                }
                else if (r.ValueTextEquals("i"u8))
                {
                    ok = ReadDouble(ref r, out index);
                }
                else if (r.ValueTextEquals("r"u8))
                {
                    ok = ReadDouble(ref r, out rate);
                }
                else if (r.ValueTextEquals("T"u8))
                {
                    ok = ReadInt64(ref r, out next);
                }
                else if (r.ValueTextEquals("s"u8))
                {
                    ok = hasSymbol = ReadSymbol(ref r, symbols, out symbol);
                }
                else
                {
                    r.Read();
                    r.Skip();
                }

                if (!ok)
                {
                    return false;
                }
            }

            if (!hasSymbol || eventTime <= 0 || !(mark > 0) || double.IsNaN(rate))
            {
                return false;
            }

            funding = new FundingSnapshot(symbol >= 0 ? symbols.Names[symbol] : string.Empty, eventTime, mark, double.IsNaN(index) ? mark : index, rate, next);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>forceOrder data: <c>{"E":…,"o":{"s","S","ap","z","T",…}}</c>; USD = ap × z (p × q when ap/z are absent).</summary>
    public static bool TryParseForceOrder(ReadOnlySpan<byte> data, BinanceSymbolTable symbols, out int symbol, out Liquidation liquidation)
    {
        symbol = -1;
        liquidation = default;
        long time = -1;
        double avgPrice = double.NaN, filled = double.NaN, price = double.NaN, qty = double.NaN;
        int side = -1;
        var hasSymbol = false;
        var hasOrder = false;
        try
        {
            var r = new Utf8JsonReader(data);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (!r.ValueTextEquals("o"u8))
                {
                    r.Read();
                    r.Skip();
                    continue;
                }

                r.Read();
                if (r.TokenType != JsonTokenType.StartObject)
                {
                    return false;
                }

                hasOrder = true;
                while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                {
                    var ok = true;
                    if (r.ValueTextEquals("s"u8))
                    {
                        ok = hasSymbol = ReadSymbol(ref r, symbols, out symbol);
                    }
                    else if (r.ValueTextEquals("S"u8))
                    {
                        r.Read();
                        side = r.ValueTextEquals("SELL"u8) ? 1 : r.ValueTextEquals("BUY"u8) ? 0 : -1;
                        ok = side >= 0;
                    }
                    else if (r.ValueTextEquals("ap"u8))
                    {
                        ok = ReadDouble(ref r, out avgPrice);
                    }
                    else if (r.ValueTextEquals("z"u8))
                    {
                        ok = ReadDouble(ref r, out filled);
                    }
                    else if (r.ValueTextEquals("p"u8))
                    {
                        ok = ReadDouble(ref r, out price);
                    }
                    else if (r.ValueTextEquals("q"u8))
                    {
                        ok = ReadDouble(ref r, out qty);
                    }
                    else if (r.ValueTextEquals("T"u8))
                    {
                        ok = ReadInt64(ref r, out time);
                    }
                    else
                    {
                        r.Read();
                        r.Skip();
                    }

                    if (!ok)
                    {
                        return false;
                    }
                }
            }

            var usePrice = avgPrice > 0 ? avgPrice : price;
            var useQty = filled > 0 ? filled : qty;
            if (!hasOrder || !hasSymbol || side < 0 || time <= 0 || !(usePrice > 0) || !(useQty >= 0))
            {
                return false;
            }

            liquidation = new Liquidation(symbol >= 0 ? symbols.Names[symbol] : string.Empty, time, side == 1, usePrice, useQty);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>depthUpdate data: s, E, b and a as [price, qty] string pairs; returns the summed quantities per side.</summary>
    public static bool TryParseDepth(ReadOnlySpan<byte> data, BinanceSymbolTable symbols, out int symbol, out long eventTimeMs, out double bidQty, out double askQty)
    {
        symbol = -1;
        eventTimeMs = -1;
        bidQty = 0;
        askQty = 0;
        var hasSymbol = false;
        var hasBids = false;
        var hasAsks = false;
        try
        {
            var r = new Utf8JsonReader(data);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                var ok = true;
                if (r.ValueTextEquals("s"u8))
                {
                    ok = hasSymbol = ReadSymbol(ref r, symbols, out symbol);
                }
                else if (r.ValueTextEquals("E"u8))
                {
                    ok = ReadInt64(ref r, out eventTimeMs);
                }
                else if (r.ValueTextEquals("b"u8) || r.ValueTextEquals("bids"u8))
                {
                    ok = hasBids = SumLevels(ref r, out bidQty);
                }
                else if (r.ValueTextEquals("a"u8) || r.ValueTextEquals("asks"u8))
                {
                    ok = hasAsks = SumLevels(ref r, out askQty);
                }
                else
                {
                    r.Read();
                    r.Skip();
                }

                if (!ok)
                {
                    return false;
                }
            }

            return hasSymbol && hasBids && hasAsks;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>bookTicker data (spot has no e/E): s, b (best bid), a (best ask); E when present else -1.</summary>
    public static bool TryParseBookTicker(ReadOnlySpan<byte> data, BinanceSymbolTable symbols, out int symbol, out double bid, out double ask, out long eventTimeMs)
    {
        symbol = -1;
        bid = double.NaN;
        ask = double.NaN;
        eventTimeMs = -1;
        var hasSymbol = false;
        try
        {
            var r = new Utf8JsonReader(data);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                var ok = true;
                if (r.ValueTextEquals("s"u8))
                {
                    ok = hasSymbol = ReadSymbol(ref r, symbols, out symbol);
                }
                else if (r.ValueTextEquals("b"u8))
                {
                    ok = ReadDouble(ref r, out bid);
                }
                else if (r.ValueTextEquals("a"u8))
                {
                    ok = ReadDouble(ref r, out ask);
                }
                else if (r.ValueTextEquals("E"u8))
                {
                    ok = ReadInt64(ref r, out eventTimeMs);
                }
                else
                {
                    r.Read();
                    r.Skip();
                }

                if (!ok)
                {
                    return false;
                }
            }

            return hasSymbol && bid > 0 && ask > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Order-book imbalance (Σbid − Σask)/(Σbid + Σask); null when both sides are empty.</summary>
    public static double? OrderBookImbalance(double bidQty, double askQty)
    {
        var total = bidQty + askQty;
        return total > 0 ? (bidQty - askQty) / total : null;
    }

    /// <summary>Spot-perp divergence (spot mid − mark)/mark.</summary>
    public static double? SpotPerpDivergence(double spotBid, double spotAsk, double mark) =>
        mark > 0 && spotBid > 0 && spotAsk > 0 ? (((spotBid + spotAsk) / 2) - mark) / mark : null;

    private static bool SumLevels(ref Utf8JsonReader r, out double sum)
    {
        sum = 0;
        r.Read();
        if (r.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (r.TokenType != JsonTokenType.StartArray)
            {
                return false;
            }

            // [price, qty, ...]
            if (!ReadDouble(ref r, out var price) || !ReadDouble(ref r, out var qty) || !(price > 0) || !(qty >= 0))
            {
                return false;
            }

            sum += qty;
            while (r.Read() && r.TokenType != JsonTokenType.EndArray)
            {
                r.Skip();
            }
        }

        return true;
    }

    private static bool ReadSymbol(ref Utf8JsonReader r, BinanceSymbolTable symbols, out int symbol)
    {
        symbol = -1;
        r.Read();
        if (r.TokenType != JsonTokenType.String)
        {
            return false;
        }

        symbol = r.ValueIsEscaped ? symbols.IndexOf(r.GetString()!) : symbols.IndexOf(r.ValueSpan);
        return true;
    }

    /// <summary>Reads the next value as a double: a decimal string (invariant culture) or a JSON number.</summary>
    internal static bool ReadDouble(ref Utf8JsonReader r, out double value)
    {
        value = double.NaN;
        r.Read();
        return r.TokenType switch
        {
            JsonTokenType.String => (r.ValueIsEscaped
                ? double.TryParse(r.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value)
                : double.TryParse(r.ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) && double.IsFinite(value),
            JsonTokenType.Number => r.TryGetDouble(out value) && double.IsFinite(value),
            _ => false,
        };
    }

    /// <summary>Reads the next value as an integer: a JSON number or a numeric string (Binance sends both).</summary>
    internal static bool ReadInt64(ref Utf8JsonReader r, out long value)
    {
        value = -1;
        r.Read();
        return r.TokenType switch
        {
            JsonTokenType.Number => r.TryGetInt64(out value),
            JsonTokenType.String => long.TryParse(r.ValueIsEscaped ? Encoding.UTF8.GetBytes(r.GetString()!) : r.ValueSpan, NumberStyles.Integer, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }
}
