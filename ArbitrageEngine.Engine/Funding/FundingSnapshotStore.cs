using Npgsql;

namespace ArbitrageEngine.Engine.Funding;

/// <summary>The latest stored funding snapshot of a symbol (live rate, mark and index price, next funding time).</summary>
public sealed record FundingSnapshotRow(string Symbol, long TimeMs, double MarkPrice, double IndexPrice, double FundingRate, long NextFundingTimeMs);

/// <summary>One funding-rate candle: open/high/low/close of the predicted rate over an interval of snapshots.</summary>
public sealed record FundingCandle(long TimeMs, double Open, double High, double Low, double Close, int Snapshots);

/// <summary>
/// Reads of <c>funding_snapshots</c> (written by the market-data writer at most once a minute per symbol) and its
/// retention: snapshots are kept for a fixed number of days and then deleted (the settled rates live on in
/// <c>funding_rates</c>), so the table stays bounded at ≈ symbols × 1,440 × days rows.
/// </summary>
public sealed class FundingSnapshotStore(NpgsqlDataSource dataSource)
{
    public async Task<List<FundingSnapshotRow>> LatestAsync(CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT DISTINCT ON (symbol) symbol, ts, mark_price, index_price, funding_rate, next_funding_time
            FROM funding_snapshots ORDER BY symbol, ts DESC
            """);
        var result = new List<FundingSnapshotRow>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new FundingSnapshotRow(reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetInt64(5)));
        }

        return result;
    }

    /// <summary>Candles of the snapshot rate of <paramref name="symbol"/> over [from, to], <paramref name="intervalMs"/> wide, ascending.</summary>
    public async Task<List<FundingCandle>> CandlesAsync(string symbol, long intervalMs, long fromMs, long toMs, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT ts / @interval * @interval AS bucket,
                   (array_agg(funding_rate ORDER BY ts))[1], max(funding_rate), min(funding_rate),
                   (array_agg(funding_rate ORDER BY ts DESC))[1], count(*)::int
            FROM funding_snapshots WHERE symbol = @symbol AND ts >= @from AND ts <= @to
            GROUP BY bucket ORDER BY bucket
            """);
        cmd.Parameters.AddWithValue("interval", intervalMs);
        cmd.Parameters.AddWithValue("symbol", symbol);
        cmd.Parameters.AddWithValue("from", fromMs);
        cmd.Parameters.AddWithValue("to", toMs);
        var result = new List<FundingCandle>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new FundingCandle(reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetInt32(5)));
        }

        return result;
    }

    /// <summary>Deletes snapshots older than <paramref name="beforeMs"/>; returns the count.</summary>
    public async Task<int> DeleteBeforeAsync(long beforeMs, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("DELETE FROM funding_snapshots WHERE ts < @before");
        cmd.Parameters.AddWithValue("before", beforeMs);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
