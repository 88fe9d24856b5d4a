using Npgsql;
using NpgsqlTypes;

namespace ArbitrageEngine.Engine.Funding;

/// <summary>Outcome of a write: rows new to the table and rows already stored.</summary>
public readonly record struct FundingWriteOutcome(long Inserted, long Duplicates);

/// <summary>
/// The settled funding-rate history (<c>funding_rates</c>, one row per symbol and settlement). Writes are idempotent
/// (<c>ON CONFLICT DO NOTHING</c>), so imports, REST back-fill and settlements recorded from live snapshots never duplicate.
/// </summary>
public sealed class FundingRateStore(NpgsqlDataSource dataSource)
{
    /// <summary>Writes <paramref name="rows"/> in one transaction (all or nothing).</summary>
    public async Task<FundingWriteOutcome> WriteAsync(string symbol, IReadOnlyList<FundingSettlement> rows, string source, CancellationToken cancellationToken = default)
    {
        if (rows.Count == 0)
        {
            return default;
        }

        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        long inserted = 0;
        const int Chunk = 10_000;
        for (var offset = 0; offset < rows.Count; offset += Chunk)
        {
            var part = rows.Skip(offset).Take(Chunk).ToArray();
            await using var cmd = new NpgsqlCommand(
                """
                INSERT INTO funding_rates (symbol, funding_time_ms, rate, interval_hours, source)
                SELECT @symbol, t, r, h, @source FROM unnest(@times, @rates, @hours) AS x(t, r, h)
                ON CONFLICT (symbol, funding_time_ms) DO NOTHING
                """, conn, tx);
            cmd.Parameters.AddWithValue("symbol", symbol);
            cmd.Parameters.AddWithValue("source", source);
            cmd.Parameters.Add(new NpgsqlParameter("times", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = part.Select(p => p.TimeMs).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("rates", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = part.Select(p => p.Rate).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("hours", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = part.Select(p => p.IntervalHours).ToArray() });
            inserted += await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new FundingWriteOutcome(inserted, rows.Count - inserted);
    }

    /// <summary>Settlements of <paramref name="symbol"/> in [from, to] (either open), ascending.</summary>
    public async Task<List<FundingSettlement>> ReadAsync(string symbol, long? fromMs = null, long? toMs = null, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT funding_time_ms, rate, interval_hours FROM funding_rates
            WHERE symbol = @symbol AND funding_time_ms >= @from AND funding_time_ms <= @to
            ORDER BY funding_time_ms
            """);
        cmd.Parameters.AddWithValue("symbol", symbol);
        cmd.Parameters.AddWithValue("from", fromMs ?? long.MinValue);
        cmd.Parameters.AddWithValue("to", toMs ?? long.MaxValue);
        var result = new List<FundingSettlement>(4096);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new FundingSettlement(reader.GetInt64(0), reader.GetDouble(1), reader.GetInt32(2)));
        }

        return result;
    }

    /// <summary>The latest stored settlement time of <paramref name="symbol"/>, null when none.</summary>
    public async Task<long?> LastTimeAsync(string symbol, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("SELECT max(funding_time_ms) FROM funding_rates WHERE symbol = @symbol");
        cmd.Parameters.AddWithValue("symbol", symbol);
        return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long t ? t : null;
    }

    /// <summary>
    /// Records settlements from the stored live snapshots: for every settlement time a snapshot announced as its next
    /// funding time and that has passed, the rate of the last snapshot before it. Returns the rows new to the history.
    /// </summary>
    public async Task<long> RecordFromSnapshotsAsync(long sinceMs, long nowMs, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            INSERT INTO funding_rates (symbol, funding_time_ms, rate, interval_hours, source)
            SELECT DISTINCT ON (symbol, settle) symbol, settle, funding_rate, 8, 'snapshot'
            FROM (SELECT symbol, ts, funding_rate, (next_funding_time + 30000) / 60000 * 60000 AS settle
                  FROM funding_snapshots WHERE ts >= @since AND next_funding_time <= @now AND ts <= next_funding_time) s
            ORDER BY symbol, settle, ts DESC
            ON CONFLICT (symbol, funding_time_ms) DO NOTHING
            """);
        cmd.Parameters.AddWithValue("since", sinceMs);
        cmd.Parameters.AddWithValue("now", nowMs);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
