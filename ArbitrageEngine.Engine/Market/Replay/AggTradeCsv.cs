using System.Globalization;
using System.IO.Compression;

namespace ArbitrageEngine.Engine.Market.Replay;

/// <summary>A malformed row of a public-data CSV: file, 1-based line and reason.</summary>
public sealed class CsvFormatException(string file, int line, string reason) : Exception($"{file}: line {line}: {reason}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public string Reason { get; } = reason;
}

/// <summary>The valid trades of one file, sorted by agg_id, and what was left out.</summary>
public sealed record CsvTrades(IReadOnlyList<AggTrade> Trades, int Rows, int SkippedZeroQty, int DuplicateIds);

/// <summary>
/// Reads Binance public-data aggTrades dumps (binance.md): CSV or a ZIP holding one CSV, with or without the
/// header row (<c>agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker</c>).
/// Rows are sorted by id, zero-quantity rows skipped and counted, repeated ids kept once. Any malformed row
/// rejects the whole file with its line number, so a bad file imports nothing.
/// </summary>
public static class AggTradeCsv
{
    public static CsvTrades ReadFile(string path)
    {
        if (path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            using var zip = ZipFile.OpenRead(path);
            var entry = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                ?? throw new CsvFormatException(path, 0, "the archive holds no .csv file");
            using var reader = new StreamReader(entry.Open());
            return Read(reader, $"{path}!{entry.FullName}");
        }

        using var file = new StreamReader(path);
        return Read(file, path);
    }

    public static CsvTrades Read(TextReader reader, string name)
    {
        var trades = new List<AggTrade>();
        int lineNo = 0, rows = 0, zero = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (line.Length == 0)
            {
                continue;
            }

            if (lineNo == 1 && line.StartsWith("agg_trade_id", StringComparison.Ordinal))
            {
                continue;
            }

            rows++;
            var trade = ParseRow(line, name, lineNo);
            if (trade.Qty == 0)
            {
                zero++;
                continue;
            }

            trades.Add(trade);
        }

        trades.Sort((a, b) => a.AggId.CompareTo(b.AggId));
        var duplicates = 0;
        var write = 0;
        for (var i = 0; i < trades.Count; i++)
        {
            if (write > 0 && trades[write - 1].AggId == trades[i].AggId)
            {
                duplicates++;
                continue;
            }

            trades[write++] = trades[i];
        }

        trades.RemoveRange(write, trades.Count - write);
        return new CsvTrades(trades, rows, zero, duplicates);
    }

    private static AggTrade ParseRow(string line, string name, int lineNo)
    {
        Span<Range> parts = stackalloc Range[8];
        var span = line.AsSpan().TrimEnd('\r');
        var count = span.Split(parts, ',');
        if (count != 7)
        {
            throw new CsvFormatException(name, lineNo, $"expected 7 columns, found {count}");
        }

        const NumberStyles Num = NumberStyles.Float;
        var c = CultureInfo.InvariantCulture;
        if (!long.TryParse(span[parts[0]], NumberStyles.None, c, out var id))
        {
            throw new CsvFormatException(name, lineNo, $"agg_trade_id '{span[parts[0]]}' is not an integer");
        }

        if (!double.TryParse(span[parts[1]], Num, c, out var price) || !double.IsFinite(price) || price <= 0)
        {
            throw new CsvFormatException(name, lineNo, $"price '{span[parts[1]]}' is not a positive number");
        }

        if (!double.TryParse(span[parts[2]], Num, c, out var qty) || !double.IsFinite(qty) || qty < 0)
        {
            throw new CsvFormatException(name, lineNo, $"quantity '{span[parts[2]]}' is not a non-negative number");
        }

        if (!long.TryParse(span[parts[5]], NumberStyles.None, c, out var time))
        {
            throw new CsvFormatException(name, lineNo, $"transact_time '{span[parts[5]]}' is not an integer");
        }

        var maker = span[parts[6]].Trim();
        bool isBuyerMaker;
        if (maker.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            isBuyerMaker = true;
        }
        else if (maker.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            isBuyerMaker = false;
        }
        else
        {
            throw new CsvFormatException(name, lineNo, $"is_buyer_maker '{maker}' is not true/false");
        }

        return new AggTrade(id, time, price, qty, isBuyerMaker);
    }
}
