using System.Globalization;
using System.IO.Compression;
using ArbitrageEngine.Engine.Market.Replay;

namespace ArbitrageEngine.Engine.Funding;

/// <summary>
/// Reads Binance public monthly fundingRate dumps (<c>calc_time,funding_interval_hours,last_funding_rate</c>), CSV or a ZIP
/// holding one CSV, with or without the header. Settlement times are rounded to the minute (never dropped); repeated
/// settlements are kept once. Any malformed row rejects the whole file with its line number.
/// </summary>
public static class FundingCsv
{
    public const string Header = "calc_time,funding_interval_hours,last_funding_rate";

    /// <summary>Earliest and latest plausible settlement (2019-01-01 … 2100-01-01): a value outside is a unit mistake.</summary>
    private const long MinTimeMs = 1_546_300_800_000;
    private const long MaxTimeMs = 4_102_444_800_000;

    public static IReadOnlyList<FundingSettlement> ReadFile(string path)
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

    public static IReadOnlyList<FundingSettlement> Read(TextReader reader, string name)
    {
        var rows = new SortedDictionary<long, FundingSettlement>();
        var lineNo = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (line.Length == 0)
            {
                continue;
            }

            if (lineNo == 1 && line.StartsWith("calc_time", StringComparison.Ordinal))
            {
                continue;
            }

            var row = ParseRow(line, name, lineNo);
            rows.TryAdd(row.TimeMs, row);
        }

        return [.. rows.Values];
    }

    private static FundingSettlement ParseRow(string line, string name, int lineNo)
    {
        var parts = line.Split(',');
        if (parts.Length != 3)
        {
            throw new CsvFormatException(name, lineNo, $"expected 3 columns ({Header}), found {parts.Length}");
        }

        if (!long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var time) || time is < MinTimeMs or > MaxTimeMs)
        {
            throw new CsvFormatException(name, lineNo, $"calc_time '{parts[0]}' is not a Unix time in milliseconds");
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var hours) || hours is < 1 or > 24)
        {
            throw new CsvFormatException(name, lineNo, $"funding_interval_hours '{parts[1]}' is not a whole number of hours between 1 and 24");
        }

        if (!double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || !double.IsFinite(rate) || Math.Abs(rate) >= 1)
        {
            throw new CsvFormatException(name, lineNo, $"last_funding_rate '{parts[2]}' is not a rate (a fraction below 1)");
        }

        return new FundingSettlement(FundingSettlement.RoundToSettlement(time), rate, hours);
    }
}
