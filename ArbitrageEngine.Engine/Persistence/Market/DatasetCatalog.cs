using ArbitrageEngine.Engine.Market.History;
using Npgsql;

namespace ArbitrageEngine.Engine.Persistence.Market;

/// <summary>The <c>datasets</c> table (backtest.md §5).</summary>
public sealed class DatasetCatalog(NpgsqlDataSource dataSource) : IDatasetCatalog
{
    /// <summary>The dataset the datasets migration moved every existing row into.</summary>
    public const int PendingDatasetId = 1;

    private const string Columns = "dataset_id, name, kind, seed, created_at";

    public async Task<IReadOnlyList<DatasetInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {Columns} FROM datasets ORDER BY dataset_id");
        return await ReadAsync(cmd, cancellationToken).ConfigureAwait(false);
    }

    public async Task<DatasetInfo?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {Columns} FROM datasets WHERE name = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return await ReadAsync(cmd, cancellationToken).ConfigureAwait(false) is [var found, ..] ? found : null;
    }

    /// <summary>The dataset called <paramref name="name"/>, or <see cref="DatasetNotFoundException"/> listing the existing ones.</summary>
    public async Task<DatasetInfo> GetAsync(string name, CancellationToken cancellationToken = default) =>
        await FindAsync(name, cancellationToken).ConfigureAwait(false)
        ?? throw new DatasetNotFoundException(name, await ListAsync(cancellationToken).ConfigureAwait(false));

    public async Task<DatasetInfo> EnsureAsync(string name, string kind, long? seed, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await using (var insert = dataSource.CreateCommand("INSERT INTO datasets (name, kind, seed) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING"))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
            insert.Parameters.Add(new NpgsqlParameter { Value = seed is { } s ? s : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return await FindAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"dataset '{name}' vanished right after it was created");
    }

    /// <summary>
    /// Start-up claim: while dataset 1 is still <c>pending</c> (the rows that existed before datasets), it becomes the
    /// configured source's dataset — existing rows belong to the source that wrote them. Should that name already be
    /// taken (another dataset was created first), the pending rows keep their own dataset, renamed
    /// <c>NAME-before-datasets</c>, rather than being mixed in. Then returns the dataset called <paramref name="name"/>
    /// (created when missing). Idempotent and safe against concurrent starts.
    /// </summary>
    public async Task<DatasetInfo> ClaimPendingAsync(string name, string kind, long? seed, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await using (var claim = dataSource.CreateCommand("""
            UPDATE datasets d SET
                name = CASE WHEN EXISTS (SELECT 1 FROM datasets o WHERE o.name = $2) THEN $2 || '-before-datasets' ELSE $2 END,
                kind = $3, seed = $4
            WHERE d.dataset_id = $1 AND d.kind = 'pending'
            """))
        {
            claim.Parameters.Add(new NpgsqlParameter<int> { TypedValue = PendingDatasetId });
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
            claim.Parameters.Add(new NpgsqlParameter { Value = seed is { } s ? s : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
            try
            {
                await claim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // A concurrent start claimed it (or created the name) between our check and update: nothing left to do.
            }
        }

        return await EnsureAsync(name, kind, seed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a dataset that holds no rows at all (an import that failed validation leaves nothing behind); true when removed.</summary>
    public async Task<bool> DeleteIfEmptyAsync(int datasetId, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            DELETE FROM datasets d WHERE d.dataset_id = $1
              AND NOT EXISTS (SELECT 1 FROM agg_trades WHERE dataset_id = $1)
              AND NOT EXISTS (SELECT 1 FROM agg_trades_meta WHERE dataset_id = $1)
              AND NOT EXISTS (SELECT 1 FROM market_indicators WHERE dataset_id = $1)
              AND NOT EXISTS (SELECT 1 FROM liquidations WHERE dataset_id = $1)
              AND NOT EXISTS (SELECT 1 FROM funding_snapshots WHERE dataset_id = $1)
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = datasetId });
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Per symbol: first/last trade time and count (a scan of the dataset's trades: for the CLI and error messages),
    /// including the days moved to the trade archive (from its manifest, <c>archive_files</c>).
    /// </summary>
    public async Task<IReadOnlyList<DatasetSymbolRange>> RangesAsync(int datasetId, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            WITH pg AS (SELECT symbol, min(time_ms) AS first, max(time_ms) AS last, count(*) AS n FROM agg_trades WHERE dataset_id = $1 GROUP BY symbol),
                 ar AS (SELECT symbol, min(first_time_ms) AS first, max(last_time_ms) AS last, sum(rows)::bigint AS n FROM archive_files WHERE dataset_id = $1 GROUP BY symbol)
            SELECT coalesce(pg.symbol, ar.symbol), least(pg.first, ar.first), greatest(pg.last, ar.last), coalesce(pg.n, 0) + coalesce(ar.n, 0)
            FROM pg FULL JOIN ar ON ar.symbol = pg.symbol
            ORDER BY coalesce(pg.symbol, ar.symbol) COLLATE "C"
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = datasetId });
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<DatasetSymbolRange>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new DatasetSymbolRange(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return result;
    }

    private static async Task<IReadOnlyList<DatasetInfo>> ReadAsync(NpgsqlCommand cmd, CancellationToken cancellationToken)
    {
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<DatasetInfo>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new DatasetInfo(
                reader.GetInt32(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3),
                reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return result;
    }
}
