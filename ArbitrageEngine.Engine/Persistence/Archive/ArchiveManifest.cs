using System.Globalization;
using Npgsql;

namespace ArbitrageEngine.Engine.Persistence.Archive;

/// <summary>One archived UTC day of one symbol of one dataset (a row of <c>archive_files</c>).</summary>
public sealed record ArchiveEntry(int DatasetId, string Symbol, DateOnly Day, string Root, string RelativePath, ArchiveFileInfo File, DateTimeOffset WrittenAt)
{
    public const long DayMs = 86_400_000;

    public long DayStartMs => DayStart(Day);

    public long DayEndMs => DayStartMs + DayMs;

    /// <summary>The file: under <paramref name="rootOverride"/> when given (an archive folder that moved), else where it was written.</summary>
    public string FullPath(string? rootOverride = null) => Path.Combine(rootOverride ?? Root, RelativePath);

    public static long DayStart(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>The UTC day of <paramref name="timeMs"/> (clamped to years 1970–9999, so open-ended ranges work).</summary>
    public static DateOnly DayOf(long timeMs) => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(timeMs, 0, 253_402_300_799_999)).UtcDateTime);
}

/// <summary>Archive figures of one dataset (the /system-level numbers).</summary>
public sealed record ArchiveTotals(int DatasetId, string Dataset, int Files, long Rows, long Bytes, DateOnly? FirstDay, DateOnly? LastDay);

/// <summary>
/// The manifest of the trade archive (<c>archive_files</c>): which days of which symbol are archived, where, and what
/// the file must hold (rows, bytes, first/last agg id and time, SHA-256). Replay takes archived days from the files and
/// every other day from <c>agg_trades</c>, so a trade is never read twice.
/// </summary>
public sealed class ArchiveManifest(NpgsqlDataSource dataSource)
{
    private const string Columns = "dataset_id, symbol, day, root, path, rows, bytes, first_agg_id, last_agg_id, first_time_ms, last_time_ms, checksum, written_at";

    /// <summary>Archived days of <paramref name="symbols"/> (all when null) overlapping [fromMs, toMs), by symbol then day.</summary>
    public async Task<IReadOnlyList<ArchiveEntry>> ListAsync(int datasetId, IReadOnlyList<string>? symbols, long fromMs, long toMs, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT {Columns} FROM archive_files
            WHERE dataset_id = $1 AND ($2::text[] IS NULL OR symbol = ANY($2)) AND day >= $3 AND day <= $4
            ORDER BY symbol COLLATE "C", day
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = datasetId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = symbols is null ? DBNull.Value : symbols.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = ArchiveEntry.DayOf(fromMs) });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = ArchiveEntry.DayOf(toMs - 1) });
        return await ReadAsync(cmd, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The entry of one day, or null.</summary>
    public async Task<ArchiveEntry?> FindAsync(int datasetId, string symbol, DateOnly day, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {Columns} FROM archive_files WHERE dataset_id = $1 AND symbol = $2 AND day = $3");
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = datasetId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = day });
        var rows = await ReadAsync(cmd, cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    /// <summary>The earliest and latest archived entry of <paramref name="symbol"/> (null when none).</summary>
    public async Task<(ArchiveEntry First, ArchiveEntry Last)?> BoundsAsync(int datasetId, string symbol, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand($"""
            (SELECT {Columns} FROM archive_files WHERE dataset_id = $1 AND symbol = $2 ORDER BY day LIMIT 1)
            UNION ALL
            (SELECT {Columns} FROM archive_files WHERE dataset_id = $1 AND symbol = $2 ORDER BY day DESC LIMIT 1)
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = datasetId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        var rows = await ReadAsync(cmd, cancellationToken).ConfigureAwait(false);
        return rows.Count == 2 ? (rows[0], rows[1]) : null;
    }

    /// <summary>Records (or replaces) the entry of a day; inside <paramref name="tx"/> when given.</summary>
    public static async Task UpsertAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, ArchiveEntry entry, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand($"""
            INSERT INTO archive_files ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now())
            ON CONFLICT (dataset_id, symbol, day) DO UPDATE SET root = excluded.root, path = excluded.path, rows = excluded.rows,
                bytes = excluded.bytes, first_agg_id = excluded.first_agg_id, last_agg_id = excluded.last_agg_id,
                first_time_ms = excluded.first_time_ms, last_time_ms = excluded.last_time_ms, checksum = excluded.checksum, written_at = now()
            """, conn, tx);
        var f = entry.File;
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = entry.DatasetId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.Symbol });
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = entry.Day });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.Root });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.RelativePath });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = f.Rows });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = f.Bytes });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = f.FirstAggId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = f.LastAggId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = f.FirstTimeMs });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = f.LastTimeMs });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = f.Checksum });
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Files, rows and bytes per dataset (datasets without archived days are omitted).</summary>
    public async Task<IReadOnlyList<ArchiveTotals>> TotalsAsync(CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT a.dataset_id, d.name, count(*)::int, sum(a.rows)::bigint, sum(a.bytes)::bigint, min(a.day), max(a.day)
            FROM archive_files a JOIN datasets d ON d.dataset_id = a.dataset_id
            GROUP BY a.dataset_id, d.name ORDER BY a.dataset_id
            """);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<ArchiveTotals>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new ArchiveTotals(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetFieldValue<DateOnly>(5), reader.GetFieldValue<DateOnly>(6)));
        }

        return result;
    }

    private static async Task<IReadOnlyList<ArchiveEntry>> ReadAsync(NpgsqlCommand cmd, CancellationToken cancellationToken)
    {
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<ArchiveEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new ArchiveEntry(
                reader.GetInt32(0),
                reader.GetString(1),
                reader.GetFieldValue<DateOnly>(2),
                reader.GetString(3),
                reader.GetString(4),
                new ArchiveFileInfo(reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), reader.GetString(11)),
                reader.GetFieldValue<DateTimeOffset>(12)));
        }

        return result;
    }

    /// <summary>The file's path under the archive root: <c>{dataset}/{SYMBOL}/{yyyy-MM-dd}.parquet</c> (invariant).</summary>
    public static string RelativePathFor(string datasetName, string symbol, DateOnly day) =>
        Path.Combine(SafeName(datasetName), symbol, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".parquet");

    /// <summary>Dataset names are free text: anything but letters, digits, '.', '-' and '_' becomes '_' in the folder name.</summary>
    private static string SafeName(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        var safe = new string(chars).Trim('.');
        return safe.Length == 0 ? "_" : safe;
    }
}
