using System.Globalization;
using ArbitrageEngine.Engine.Market;
using Npgsql;
using NpgsqlTypes;

namespace ArbitrageEngine.Engine.Persistence.Market;

/// <summary>
/// Stores the non-trade market data: feature readings (<c>market_indicators</c>), liquidations and funding
/// snapshots, each batch by binary COPY, into one dataset (backtest.md §5). Feature values are stored as JSON
/// numbers written with the round-trip format, so <see cref="FeatureHistoryStore"/> gives back the exact double.
/// </summary>
public sealed class MarketDataStore(NpgsqlDataSource dataSource, int datasetId)
{
    public int DatasetId { get; } = datasetId;

    public async Task WriteAsync(IReadOnlyList<MarketEvent> events, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
        {
            return;
        }

        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (events.Any(e => e.Kind == MarketEventKind.Feature))
        {
            await using var importer = await conn.BeginBinaryImportAsync(
                "COPY market_indicators (dataset_id, symbol, indicator_type, timestamp_ms, value) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            foreach (var e in events)
            {
                if (e.Kind != MarketEventKind.Feature)
                {
                    continue;
                }

                importer.StartRow();
                importer.Write(DatasetId, NpgsqlDbType.Integer);
                importer.Write(e.Symbol, NpgsqlDbType.Text);
                importer.Write(e.Feature.Name(), NpgsqlDbType.Text);
                importer.Write(e.TimeMs, NpgsqlDbType.Bigint);
                importer.Write(FormattableString.Invariant($"{{\"value\": {(e.Value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "null")}}}"), NpgsqlDbType.Jsonb);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        if (events.Any(e => e.Kind == MarketEventKind.Liquidation))
        {
            await using var importer = await conn.BeginBinaryImportAsync(
                "COPY liquidations (dataset_id, symbol, time_ms, side, price, qty, usd) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            foreach (var e in events)
            {
                if (e.Kind != MarketEventKind.Liquidation)
                {
                    continue;
                }

                var l = e.Liquidation;
                importer.StartRow();
                importer.Write(DatasetId, NpgsqlDbType.Integer);
                importer.Write(l.Symbol, NpgsqlDbType.Text);
                importer.Write(l.TimeMs, NpgsqlDbType.Bigint);
                importer.Write(l.IsSell ? "SELL" : "BUY", NpgsqlDbType.Text);
                importer.Write(l.Price, NpgsqlDbType.Double);
                importer.Write(l.Qty, NpgsqlDbType.Double);
                importer.Write(l.Usd, NpgsqlDbType.Double);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        if (events.Any(e => e.Kind == MarketEventKind.Funding))
        {
            await using var importer = await conn.BeginBinaryImportAsync(
                "COPY funding_snapshots (dataset_id, symbol, ts, mark_price, index_price, funding_rate, next_funding_time) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            foreach (var e in events)
            {
                if (e.Kind != MarketEventKind.Funding)
                {
                    continue;
                }

                var f = e.Funding;
                importer.StartRow();
                importer.Write(DatasetId, NpgsqlDbType.Integer);
                importer.Write(f.Symbol, NpgsqlDbType.Text);
                importer.Write(f.TimeMs, NpgsqlDbType.Bigint);
                importer.Write(f.MarkPrice, NpgsqlDbType.Double);
                importer.Write(f.IndexPrice, NpgsqlDbType.Double);
                importer.Write(f.FundingRate, NpgsqlDbType.Double);
                importer.Write(f.NextFundingTimeMs, NpgsqlDbType.Bigint);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
