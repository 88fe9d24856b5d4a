using System.Globalization;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using Npgsql;

namespace ArbitrageEngine.Engine.Persistence.Market;

/// <summary>
/// Stored feature readings (<c>market_indicators</c>) of one dataset. Values are stored as JSON numbers written with
/// the round-trip format; they are read back as text and parsed with the invariant culture, which yields exactly the
/// double that was written.
/// </summary>
public sealed class FeatureHistoryStore(NpgsqlDataSource dataSource, int datasetId) : IFeatureHistory
{
    public int DatasetId { get; } = datasetId;

    public async Task<IReadOnlyList<FeatureReading>> LatestAsync(IReadOnlyList<string> symbols, long atMs, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT s.symbol, k.key, r.timestamp_ms, r.value ->> 'value'
            FROM unnest($2::text[]) s(symbol)
            CROSS JOIN unnest($3::text[]) k(key)
            CROSS JOIN LATERAL (
                SELECT m.timestamp_ms, m.value FROM market_indicators m
                WHERE m.dataset_id = $1 AND m.symbol = s.symbol AND m.indicator_type = k.key AND m.timestamp_ms <= $4
                ORDER BY m.timestamp_ms DESC, m.id DESC LIMIT 1) r
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. symbols] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. FeatureKeys.All.Select(k => k.Name())] });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = atMs });
        var result = new List<FeatureReading>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (FeatureKeys.TryParse(reader.GetString(1), out var key))
            {
                result.Add(new FeatureReading(reader.GetString(0), key, Value(reader, 3), reader.GetInt64(2)));
            }
        }

        return result;
    }

    public async Task<long> ReadAsync(IReadOnlyList<string> symbols, long fromMs, long toMs, Action<FeatureReading> visit, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT symbol, indicator_type, timestamp_ms, value ->> 'value' FROM market_indicators
            WHERE dataset_id = $1 AND symbol = ANY($2) AND timestamp_ms >= $3 AND timestamp_ms < $4
            ORDER BY timestamp_ms, symbol COLLATE "C", id
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. symbols] });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromMs });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toMs });
        return await ReadReadingsAsync(cmd, visit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One symbol's readings with time in [fromMs, toMs) in (time, storage) order — the index order, no sort.</summary>
    public async Task<long> ReadSymbolAsync(string symbol, long fromMs, long toMs, Action<FeatureReading> visit, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT symbol, indicator_type, timestamp_ms, value ->> 'value' FROM market_indicators
            WHERE dataset_id = $1 AND symbol = $2 AND timestamp_ms >= $3 AND timestamp_ms < $4
            ORDER BY timestamp_ms, id
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromMs });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toMs });
        return await ReadReadingsAsync(cmd, visit, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> ReadReadingsAsync(NpgsqlCommand cmd, Action<FeatureReading> visit, CancellationToken cancellationToken)
    {
        await using var reader = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
        long count = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var symbol = reader.GetString(0);
            var type = reader.GetString(1);
            var time = reader.GetInt64(2);
            var value = Value(reader, 3);
            if (FeatureKeys.TryParse(type, out var key))
            {
                visit(new FeatureReading(symbol, key, value, time));
                count++;
            }
        }

        return count;
    }

    private static double? Value(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : double.Parse(reader.GetString(ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);
}
