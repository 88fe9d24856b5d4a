using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Market.Simulated;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Engine.Persistence.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;
using Npgsql;
using NpgsqlTypes;

namespace ArbitrageEngine.Tests.Integration.Evolve;

/// <summary>
/// Stored history for auto-evolve tests: a simulated market recorded into a dataset (the generator the app's
/// simulated source and its back-fill use), closed paper trades and evaluations of running strategies.
/// </summary>
internal static class EvolveScenario
{
    public const string Dataset = "evolve-sim";

    /// <summary>Records <paramref name="hours"/> of the simulated market ending at <paramref name="endMs"/> into a dataset.</summary>
    public static async Task<DatasetInfo> StoreSimulatedAsync(NpgsqlDataSource dataSource, string[] symbols, long endMs, double hours, ulong seed = 20261201, string name = Dataset)
    {
        var dataset = await new DatasetCatalog(dataSource).EnsureAsync(name, DatasetKinds.Simulated, (long)seed);
        // Whole minutes: the generator advances in fixed slices from its start.
        endMs -= endMs % 60_000;
        var startMs = endMs - (long)Math.Round(hours * 60) * 60_000;
        var market = new SimulatedMarket(new SimulatedMarketOptions { Seed = seed }, symbols, startMs);
        var trades = new AggTradeStore(dataSource, dataset.Id);
        var features = new MarketDataStore(dataSource, dataset.Id);
        // The app's partition maintenance may create the same month's partition at the same moment.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await trades.EnsurePartitionsAsync(startMs, endMs);
                break;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateTable && attempt < 5)
            {
                await Task.Delay(200);
            }
        }

        var buffer = new List<MarketEvent>();
        while (market.NowMs < endMs)
        {
            market.AdvanceTo(Math.Min(endMs, market.NowMs + 600_000), buffer, backfill: true);
            var batch = buffer.Where(e => e.Kind == MarketEventKind.Trade).Select(e => new SymbolTrade(e.Symbol, e.Trade)).ToList();
            if (batch.Count > 0)
            {
                await trades.WriteAsync(batch);
            }

            await features.WriteAsync([.. buffer.Where(e => e.Kind == MarketEventKind.Feature)]);
            buffer.Clear();
        }

        return dataset;
    }

    /// <summary>Closed paper trades of a strategy, one per value of <paramref name="pnlR"/>, exiting a minute apart before <paramref name="lastExitMs"/>.</summary>
    public static async Task InsertClosedTradesAsync(NpgsqlDataSource dataSource, StrategyDefinition s, IReadOnlyList<double> pnlR, long lastExitMs)
    {
        await using var idCmd = dataSource.CreateCommand("SELECT coalesce(max(position_id), 0) FROM paper_trades");
        var next = (long)(await idCmd.ExecuteScalarAsync())! + 1;
        for (var i = 0; i < pnlR.Count; i++)
        {
            var exit = lastExitMs - (pnlR.Count - i) * 60_000L;
            await using var cmd = dataSource.CreateCommand("""
                INSERT INTO paper_trades (position_id, strategy_id, symbol, direction, score, tier, entry_price, entry_ts, exit_price, exit_ts, tp1, tp2, sl, stop,
                    status, pnl_r, gross_r, fee_r, pnl_usdt, risk_usd, atr, rd, tp1_ratio, tp2_ratio, timeout_minutes, fee_rate, factors, strategy_snapshot)
                VALUES ($1, $2, $3, 'LONG', 80, 'standard', 100, $4, $5, $6, 101, 102, 99, 99, $7, $8, $8, 0, $9, 100, 1, 1, 1, 2, 240, 0.0005, '{}', '{}')
                """);
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = next + i });
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = s.StrategyId });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = s.Symbol });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = exit - 1_800_000 });
            cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = 100 + pnlR[i] });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = exit });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = pnlR[i] > 0 ? "tp" : "sl" });
            cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = pnlR[i] });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (decimal)(pnlR[i] * 100), NpgsqlDbType = NpgsqlDbType.Numeric });
            await cmd.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Stored evaluations of the strategies (one per strategy a minute for <paramref name="count"/> minutes before <paramref name="endMs"/>).</summary>
    public static async Task InsertEvaluationsAsync(NpgsqlDataSource dataSource, IEnumerable<StrategyDefinition> strategies, long endMs, int count, double atrPct, double slope, int signalEvery)
    {
        var store = new PaperTradeStore(dataSource);
        foreach (var s in strategies)
        {
            var rows = new List<ScoreResult>();
            for (var i = 0; i < count; i++)
            {
                var r = new ScoreResult
                {
                    StrategyId = s.StrategyId,
                    Symbol = s.Symbol,
                    TimeMs = endMs - (count - i) * 60_000L,
                    Score = 50,
                    GatePassed = true,
                    AtrPct = atrPct,
                    CvdFastSlope = i % 2 == 0 ? slope : -slope,
                    Direction = TradeDirection.Long,
                    Layers = new ScoreLayers(default, default, default, default),
                };
                if (signalEvery > 0 && i % signalEvery == 0)
                {
                    r.Signal = TradeDirection.Long;
                }

                rows.Add(r);
            }

            await store.WriteEvaluationsAsync(rows);
        }
    }
}
