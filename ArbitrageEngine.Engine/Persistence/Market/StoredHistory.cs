using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using Npgsql;

namespace ArbitrageEngine.Engine.Persistence.Market;

/// <summary>Stored trades and features for the warm-up, over the live pipeline's stores.</summary>
public sealed class StoredHistory(AggTradeStore trades) : ITradeHistory, IFeatureHistory
{
    public async Task<long> ReadAsync(string symbol, long fromMs, long toMs, long maxAggId, Action<AggTrade> visit, CancellationToken cancellationToken = default) =>
        await trades.ReadAsync(symbol, fromMs, toMs, t =>
        {
            if (t.AggId <= maxAggId)
            {
                visit(t);
            }
        }, cancellationToken).ConfigureAwait(false);

    public Task<long?> EarliestTimeAsync(string symbol, CancellationToken cancellationToken = default) => trades.EarliestTimeAsync(symbol, cancellationToken);

    public Task<AggTrade?> LastTradeAsync(string symbol, CancellationToken cancellationToken = default) => trades.LastTradeAsync(symbol, cancellationToken);

    public async Task<IReadOnlyList<FeatureReading>> LatestAsync(IReadOnlyList<string> symbols, long atMs, CancellationToken cancellationToken = default)
    {
        await using var cmd = trades.DataSource.CreateCommand("""
            SELECT DISTINCT ON (symbol, indicator_type) symbol, indicator_type, timestamp_ms, (value->>'value')::double precision
            FROM market_indicators WHERE symbol = ANY($1) AND timestamp_ms <= $2
            ORDER BY symbol, indicator_type, timestamp_ms DESC, id DESC
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. symbols] });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = atMs });
        var result = new List<FeatureReading>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (FeatureKeys.TryParse(r.GetString(1), out var key))
            {
                result.Add(new FeatureReading(r.GetString(0), key, r.IsDBNull(3) ? null : r.GetDouble(3), r.GetInt64(2)));
            }
        }

        return result;
    }

    public async Task<long> ReadAsync(IReadOnlyList<string> symbols, long fromMs, long toMs, Action<FeatureReading> visit, CancellationToken cancellationToken = default)
    {
        await using var cmd = trades.DataSource.CreateCommand("""
            SELECT symbol, indicator_type, timestamp_ms, (value->>'value')::double precision FROM market_indicators
            WHERE symbol = ANY($1) AND timestamp_ms >= $2 AND timestamp_ms < $3 ORDER BY timestamp_ms, symbol, id
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. symbols] });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromMs });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toMs });
        long count = 0;
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (FeatureKeys.TryParse(r.GetString(1), out var key))
            {
                visit(new FeatureReading(r.GetString(0), key, r.IsDBNull(3) ? null : r.GetDouble(3), r.GetInt64(2)));
                count++;
            }
        }

        return count;
    }
}
