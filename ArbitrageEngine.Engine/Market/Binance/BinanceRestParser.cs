using System.Globalization;
using System.Text.Json;

namespace ArbitrageEngine.Engine.Market.Binance;

/// <summary>
/// Parsers of the REST answers (binance.md "REST"). Numbers may come as JSON numbers or strings; unknown fields are
/// ignored; a row without a required field throws <see cref="FormatException"/>.
/// </summary>
public static class BinanceRestParser
{
    public static AggTrade[] ParseAggTrades(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new FormatException("aggTrades: expected an array");
            }

            var result = new List<AggTrade>();
            while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                long id = -1, time = -1;
                double price = double.NaN, qty = double.NaN;
                var maker = -1;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var ok = true;
                    if (reader.ValueTextEquals("a"u8))
                    {
                        ok = BinanceFrameParser.ReadInt64(ref reader, out id);
                    }
                    else if (reader.ValueTextEquals("p"u8))
                    {
                        ok = BinanceFrameParser.ReadDouble(ref reader, out price);
                    }
                    else if (reader.ValueTextEquals("q"u8))
                    {
                        ok = BinanceFrameParser.ReadDouble(ref reader, out qty);
                    }
                    else if (reader.ValueTextEquals("T"u8))
                    {
                        ok = BinanceFrameParser.ReadInt64(ref reader, out time);
                    }
                    else if (reader.ValueTextEquals("m"u8))
                    {
                        reader.Read();
                        maker = reader.TokenType == JsonTokenType.True ? 1 : reader.TokenType == JsonTokenType.False ? 0 : -1;
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }

                    if (!ok)
                    {
                        throw new FormatException("aggTrades: unreadable field");
                    }
                }

                if (id < 0 || time <= 0 || maker < 0 || !(price > 0) || !(qty >= 0))
                {
                    throw new FormatException("aggTrades: row without a, p, q, T or m");
                }

                result.Add(new AggTrade(id, time, price, qty, maker == 1));
            }

            if (reader.TokenType != JsonTokenType.EndArray)
            {
                throw new FormatException("aggTrades: expected rows of objects");
            }

            return [.. result];
        }
        catch (JsonException e)
        {
            throw new FormatException("aggTrades: invalid JSON", e);
        }
    }

    /// <summary>premiumIndex for one symbol (the answer is an object with <c>symbol=</c>, an array without).</summary>
    public static FundingSnapshot ParsePremiumIndex(ReadOnlySpan<byte> json, string symbol)
    {
        using var doc = Parse(json);
        var root = doc.RootElement;
        var row = root.ValueKind == JsonValueKind.Array
            ? root.EnumerateArray().FirstOrDefault(e => string.Equals(Str(e, "symbol"), symbol, StringComparison.OrdinalIgnoreCase))
            : root;
        if (row.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"premiumIndex: no row for {symbol}");
        }

        return new FundingSnapshot(
            Str(row, "symbol") ?? symbol,
            Long(row, "time"),
            Num(row, "markPrice"),
            Num(row, "indexPrice"),
            Num(row, "lastFundingRate"),
            Long(row, "nextFundingTime"));
    }

    public static FundingRateRow[] ParseFundingRates(ReadOnlySpan<byte> json)
    {
        using var doc = Parse(json);
        return [.. Rows(doc).Select(e => new FundingRateRow(Str(e, "symbol") ?? string.Empty, Long(e, "fundingTime"), Num(e, "fundingRate"), OptNum(e, "markPrice")))];
    }

    public static OpenInterestRow[] ParseOpenInterestHist(ReadOnlySpan<byte> json)
    {
        using var doc = Parse(json);
        return [.. Rows(doc).Select(e => new OpenInterestRow(Str(e, "symbol") ?? string.Empty, Long(e, "timestamp"), OptNum(e, "sumOpenInterest") ?? double.NaN, Num(e, "sumOpenInterestValue")))];
    }

    public static LongShortRatioRow[] ParseLongShortRatios(ReadOnlySpan<byte> json)
    {
        using var doc = Parse(json);
        return [.. Rows(doc).Select(e => new LongShortRatioRow(Str(e, "symbol") ?? string.Empty, Long(e, "timestamp"), Num(e, "longShortRatio"), Num(e, "longAccount"), Num(e, "shortAccount")))];
    }

    /// <summary>Reads <c>{"code":-4166,"msg":"…"}</c>; (0, raw text) when the body is not a Binance error.</summary>
    public static (int Code, string Message) ParseError(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("code", out var code) && code.TryGetInt32(out var c))
            {
                return (c, Str(root, "msg") ?? string.Empty);
            }
        }
        catch (JsonException)
        {
        }

        return (0, System.Text.Encoding.UTF8.GetString(json[..Math.Min(json.Length, 200)]));
    }

    private static JsonDocument Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            throw new FormatException("invalid JSON", e);
        }
    }

    private static IEnumerable<JsonElement> Rows(JsonDocument doc) =>
        doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray() : throw new FormatException("expected an array");

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double Num(JsonElement e, string name) =>
        OptNum(e, name) ?? throw new FormatException($"missing or unreadable number '{name}'");

    /// <summary>A number or numeric string; null when absent, null or "".</summary>
    private static double? OptNum(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return null;
        }

        switch (v.ValueKind)
        {
            case JsonValueKind.Number when v.TryGetDouble(out var d) && double.IsFinite(d):
                return d;
            case JsonValueKind.String:
                var s = v.GetString();
                if (string.IsNullOrEmpty(s))
                {
                    return null;
                }

                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && double.IsFinite(p)
                    ? p
                    : throw new FormatException($"unreadable number '{name}': {s}");
            case JsonValueKind.Null:
                return null;
            default:
                throw new FormatException($"unreadable number '{name}'");
        }
    }

    private static long Long(JsonElement e, string name)
    {
        if (e.TryGetProperty(name, out var v))
        {
            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n))
            {
                return n;
            }

            if (v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s))
            {
                return s;
            }
        }

        throw new FormatException($"missing or unreadable timestamp '{name}'");
    }
}
