using System.Data;
using System.Globalization;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Persistence.Archive;
using Npgsql;

namespace ArbitrageEngine.Engine.Persistence.Market;

/// <summary>Another archive pass (the app's job or an <c>archive</c> verb) is running on the same database.</summary>
public sealed class ArchiveBusyException() : Exception("another archive pass is running on this database; try again when it has finished");

/// <summary>What one archive pass did.</summary>
public sealed record ArchivePassResult(int Files, long Rows, long Bytes, long DeletedRows)
{
    public static readonly ArchivePassResult None = new(0, 0, 0, 0);

    public ArchivePassResult Add(ArchivePassResult other) => new(Files + other.Files, Rows + other.Rows, Bytes + other.Bytes, DeletedRows + other.DeletedRows);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"files={Files} rows={Rows} bytes={Bytes} deleted_rows={DeletedRows}");
}

/// <summary>
/// Moves complete UTC days of stored trades from PostgreSQL into the archive (backtest.md §8): per symbol and day, the
/// day's rows are read in a REPEATABLE READ transaction, written to one Parquet file (atomically, see
/// <see cref="ArchiveFile"/>), the file is read back and checked (rows, first/last agg id, checksum), the manifest row is
/// written and exactly the rows that were read are deleted — all in that transaction, so a failure anywhere leaves the
/// day in PostgreSQL and retention never drops what is not archived. Rows of an already archived day that appear in
/// PostgreSQL later (a late gap fill, or a pass that stopped before its commit) are merged into a new file on the next
/// pass. A second pass over the same days does nothing.
/// </summary>
public sealed class TradeArchiver(NpgsqlDataSource dataSource, string root)
{
    /// <summary>The session advisory lock held during a pass ('ARCH').</summary>
    public const long AdvisoryLockKey = 0x41524348;

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>
    /// Archives every complete UTC day that ends at or before <paramref name="cutoffMs"/> of the dataset's symbols (or
    /// only <paramref name="symbol"/>). <paramref name="onDay"/> hears about each archived day.
    /// </summary>
    public async Task<ArchivePassResult> ArchiveAsync(DatasetInfo dataset, long cutoffMs, string? symbol = null, Action<ArchiveEntry, long>? onDay = null, CancellationToken cancellationToken = default)
    {
        // One archiver per database at a time (the app's job and an `archive` verb): the other gets ArchiveBusyException.
        await using var lockConn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", lockConn))
        {
            tryLock.Parameters.Add(new NpgsqlParameter<long> { TypedValue = AdvisoryLockKey });
            if (await tryLock.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                throw new ArchiveBusyException();
            }
        }

        try
        {
            var result = ArchivePassResult.None;
            foreach (var s in await SymbolsAsync(dataset.Id, symbol, cancellationToken).ConfigureAwait(false))
            {
                var done = new HashSet<DateOnly>();
                while (await EarliestTimeAsync(dataset.Id, s, cancellationToken).ConfigureAwait(false) is { } earliest)
                {
                    var day = ArchiveEntry.DayOf(earliest);
                    if (ArchiveEntry.DayStart(day) + ArchiveEntry.DayMs > cutoffMs || !done.Add(day))
                    {
                        break; // the oldest stored day is within retention (or rows keep arriving for it: next pass)
                    }

                    var (entry, deleted) = await ArchiveDayAsync(dataset, s, day, cancellationToken).ConfigureAwait(false);
                    if (entry is not null)
                    {
                        result = result.Add(new ArchivePassResult(1, entry.File.Rows, entry.File.Bytes, deleted));
                        onDay?.Invoke(entry, deleted);
                    }
                }
            }

            return result;
        }
        finally
        {
            // Released explicitly: a pooled connection would otherwise keep the session lock until its reuse.
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", lockConn);
            unlock.Parameters.Add(new NpgsqlParameter<long> { TypedValue = AdvisoryLockKey });
            await unlock.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Symbols with stored trades in the dataset (ordinal order), or just <paramref name="only"/>.</summary>
    private async Task<IReadOnlyList<string>> SymbolsAsync(int datasetId, string? only, CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand("SELECT symbol FROM agg_trades_meta WHERE dataset_id = $1 AND ($2::text IS NULL OR symbol = $2) ORDER BY symbol COLLATE \"C\"");
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = datasetId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)only ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }

    private async Task<long?> EarliestTimeAsync(int datasetId, string symbol, CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand("SELECT time_ms FROM agg_trades WHERE dataset_id = $1 AND symbol = $2 ORDER BY agg_id LIMIT 1");
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = datasetId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long t ? t : null;
    }

    /// <summary>
    /// Archives one day of one symbol (merging with the file already archived for it, if any) and deletes the rows it
    /// took from PostgreSQL. Returns the manifest entry (null when the day holds no trades anywhere) and the rows deleted.
    /// </summary>
    public async Task<(ArchiveEntry? Entry, long Deleted)> ArchiveDayAsync(DatasetInfo dataset, string symbol, DateOnly day, CancellationToken cancellationToken = default)
    {
        AggTradeCopy.CheckSymbol(symbol);
        var dayStart = ArchiveEntry.DayStart(day);
        var dayEnd = dayStart + ArchiveEntry.DayMs;
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);

        var range = await AggTradeCopy.RangeAsync(conn, dataset.Id, symbol, dayStart, dayEnd, cancellationToken).ConfigureAwait(false);
        List<AggTrade> fromDatabase = range.IsEmpty ? [] : await ReadDayAsync(conn, tx, dataset.Id, symbol, range, dayStart, dayEnd, cancellationToken).ConfigureAwait(false);
        var previous = await new ArchiveManifest(dataSource).FindAsync(dataset.Id, symbol, day, cancellationToken).ConfigureAwait(false);
        if (fromDatabase.Count == 0)
        {
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return (previous, 0);
        }

        var trades = previous is null ? fromDatabase : Merge(await ReadFileAsync(previous, cancellationToken).ConfigureAwait(false), fromDatabase);

        // A day archived before gets a new file name: the old file stays valid for its manifest row until the commit.
        var relative = ArchiveManifest.RelativePathFor(dataset.Name, symbol, day);
        if (previous is not null)
        {
            relative = Path.ChangeExtension(relative, null) + "." + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + ".parquet";
        }

        var path = Path.Combine(Root, relative);
        var metadata = new Dictionary<string, string>
        {
            ["dataset"] = dataset.Name,
            ["symbol"] = symbol,
            ["day"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        var committed = false;
        try
        {
            var info = await ArchiveFile.WriteAsync(path, trades, metadata, cancellationToken).ConfigureAwait(false);
            await VerifyAsync(path, info, trades, cancellationToken).ConfigureAwait(false);
            var entry = new ArchiveEntry(dataset.Id, symbol, day, Root, relative, info, DateTimeOffset.UtcNow);
            await ArchiveManifest.UpsertAsync(conn, tx, entry, cancellationToken).ConfigureAwait(false);

            // Exactly the rows read: the snapshot does not see rows committed since, and those stay for the next pass.
            await using (var delete = new NpgsqlCommand("""
                DELETE FROM agg_trades WHERE dataset_id = $1 AND symbol = $2 AND agg_id >= $3 AND agg_id < $4 AND time_ms >= $5 AND time_ms < $6
                """, conn, tx))
            {
                delete.Parameters.Add(new NpgsqlParameter<int> { TypedValue = dataset.Id });
                delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
                delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = range.FromId });
                delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = range.ToId });
                delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = dayStart });
                delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = dayEnd });
                delete.CommandTimeout = 0;
                var deleted = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (deleted != fromDatabase.Count)
                {
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                        $"archiving {symbol} {day:yyyy-MM-dd} of '{dataset.Name}': {deleted} rows would be deleted but {fromDatabase.Count} were archived; nothing deleted"));
                }
            }

            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            committed = true;
            if (previous is not null && !string.Equals(previous.FullPath(), path, StringComparison.Ordinal))
            {
                File.Delete(previous.FullPath());
            }

            return (entry, fromDatabase.Count);
        }
        finally
        {
            if (!committed && previous is not null && File.Exists(path))
            {
                File.Delete(path); // the manifest still names the previous file
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="trades"/> (one symbol, one UTC day) straight into the archive — merged with the day's
    /// existing file, if any — and records it (imports of old history, benchmarks). Nothing is read from or deleted in
    /// <c>agg_trades</c>.
    /// </summary>
    public async Task<ArchiveEntry> WriteDayAsync(DatasetInfo dataset, string symbol, DateOnly day, IReadOnlyList<AggTrade> trades, CancellationToken cancellationToken = default)
    {
        AggTradeCopy.CheckSymbol(symbol);
        var dayStart = ArchiveEntry.DayStart(day);
        if (trades.Any(t => t.TimeMs < dayStart || t.TimeMs >= dayStart + ArchiveEntry.DayMs))
        {
            throw new ArgumentException($"trades outside {day:yyyy-MM-dd} UTC", nameof(trades));
        }

        var previous = await new ArchiveManifest(dataSource).FindAsync(dataset.Id, symbol, day, cancellationToken).ConfigureAwait(false);
        var sorted = trades.OrderBy(t => t.AggId).ToList();
        var all = previous is null ? sorted : Merge(await ReadFileAsync(previous, cancellationToken).ConfigureAwait(false), sorted);
        var relative = ArchiveManifest.RelativePathFor(dataset.Name, symbol, day);
        if (previous is not null)
        {
            relative = Path.ChangeExtension(relative, null) + "." + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + ".parquet";
        }

        var path = Path.Combine(Root, relative);
        var info = await ArchiveFile.WriteAsync(path, all, new Dictionary<string, string> { ["dataset"] = dataset.Name, ["symbol"] = symbol, ["day"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }, cancellationToken).ConfigureAwait(false);
        await VerifyAsync(path, info, all, cancellationToken).ConfigureAwait(false);
        var entry = new ArchiveEntry(dataset.Id, symbol, day, Root, relative, info, DateTimeOffset.UtcNow);
        await using (var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            await ArchiveManifest.UpsertAsync(conn, null, entry, cancellationToken).ConfigureAwait(false);
        }

        if (previous is not null && !string.Equals(previous.FullPath(), path, StringComparison.Ordinal))
        {
            File.Delete(previous.FullPath());
        }

        return entry;
    }

    private static async Task<List<AggTrade>> ReadDayAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int datasetId, string symbol, AggIdRange range, long dayStart, long dayEnd, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(AggTradeCopy.SelectSql(datasetId, symbol, range, dayStart, dayEnd), conn, tx) { CommandTimeout = 0 };
        await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
        var list = new List<AggTrade>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new AggTrade(reader.GetInt64(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetBoolean(4)));
        }

        return list;
    }

    private static async Task<List<AggTrade>> ReadFileAsync(ArchiveEntry entry, CancellationToken cancellationToken)
    {
        var list = new List<AggTrade>((int)Math.Min(entry.File.Rows, int.MaxValue));
        var chunk = new AggTrade[8192];
        await ArchiveFile.ReadAsync(entry.FullPath(), entry.File, long.MinValue, long.MaxValue, long.MaxValue, () => chunk, (items, count) =>
        {
            list.AddRange(items.AsSpan(0, count));
            return ValueTask.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return list;
    }

    /// <summary>Union by agg id of two agg_id-ordered lists (the archived copy wins on equal ids: they are the same trade).</summary>
    private static List<AggTrade> Merge(List<AggTrade> archived, List<AggTrade> fresh)
    {
        var merged = new List<AggTrade>(archived.Count + fresh.Count);
        int i = 0, j = 0;
        while (i < archived.Count || j < fresh.Count)
        {
            if (j == fresh.Count || (i < archived.Count && archived[i].AggId <= fresh[j].AggId))
            {
                if (j < fresh.Count && archived[i].AggId == fresh[j].AggId)
                {
                    j++;
                }

                merged.Add(archived[i++]);
            }
            else
            {
                merged.Add(fresh[j++]);
            }
        }

        return merged;
    }

    /// <summary>Reads the written file back: the checksum, the row count and the first/last agg ids must match.</summary>
    private static async Task VerifyAsync(string path, ArchiveFileInfo info, IReadOnlyList<AggTrade> trades, CancellationToken cancellationToken)
    {
        long rows = 0, first = 0, last = 0;
        var chunk = new AggTrade[8192];
        await ArchiveFile.ReadAsync(path, info, long.MinValue, long.MaxValue, long.MaxValue, () => chunk, (items, count) =>
        {
            if (rows == 0)
            {
                first = items[0].AggId;
            }

            rows += count;
            last = items[count - 1].AggId;
            return ValueTask.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        if (rows != trades.Count || first != trades[0].AggId || last != trades[^1].AggId)
        {
            throw new ArchiveFileException(path, string.Create(CultureInfo.InvariantCulture,
                $"failed verification: read back {rows} rows (agg_id {first}–{last}), written {trades.Count} (agg_id {trades[0].AggId}–{trades[^1].AggId})"));
        }
    }
}
