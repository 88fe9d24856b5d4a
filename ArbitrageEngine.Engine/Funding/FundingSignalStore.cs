using Npgsql;

namespace ArbitrageEngine.Engine.Funding;

/// <summary>One hourly arbitrage check of a symbol: 7-day mean and annualised rate against the threshold.</summary>
public sealed record FundingSignalCheck(string Symbol, long CheckedMs, int Settlements, double MeanRate7d, double AnnualisedPct7d, double ThresholdPct, bool Signal);

/// <summary>The history of the hourly funding-arbitrage checks (<c>funding_signal_checks</c>).</summary>
public sealed class FundingSignalStore(NpgsqlDataSource dataSource)
{
    public async Task AddAsync(FundingSignalCheck check, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            INSERT INTO funding_signal_checks (symbol, checked_ms, settlements, mean_rate_7d, annualised_pct_7d, threshold_pct, signal)
            VALUES (@symbol, @checked, @n, @mean, @ann, @threshold, @signal)
            """);
        cmd.Parameters.AddWithValue("symbol", check.Symbol);
        cmd.Parameters.AddWithValue("checked", check.CheckedMs);
        cmd.Parameters.AddWithValue("n", check.Settlements);
        cmd.Parameters.AddWithValue("mean", check.MeanRate7d);
        cmd.Parameters.AddWithValue("ann", check.AnnualisedPct7d);
        cmd.Parameters.AddWithValue("threshold", check.ThresholdPct);
        cmd.Parameters.AddWithValue("signal", check.Signal);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The latest check of <paramref name="symbol"/>, null when never checked.</summary>
    public async Task<FundingSignalCheck?> LatestAsync(string symbol, CancellationToken cancellationToken = default)
    {
        var list = await ReadAsync(symbol, 1, signalsOnly: false, cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <summary>The newest checks first; <paramref name="symbol"/> null = every symbol.</summary>
    public async Task<List<FundingSignalCheck>> ReadAsync(string? symbol, int limit, bool signalsOnly, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT symbol, checked_ms, settlements, mean_rate_7d, annualised_pct_7d, threshold_pct, signal FROM funding_signal_checks
            WHERE (@symbol::text IS NULL OR symbol = @symbol) AND (NOT @signals OR signal)
            ORDER BY checked_ms DESC, id DESC LIMIT @limit
            """);
        cmd.Parameters.Add(new NpgsqlParameter("symbol", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)symbol ?? DBNull.Value });
        cmd.Parameters.AddWithValue("signals", signalsOnly);
        cmd.Parameters.AddWithValue("limit", limit);
        var result = new List<FundingSignalCheck>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new FundingSignalCheck(reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5), reader.GetBoolean(6)));
        }

        return result;
    }
}
