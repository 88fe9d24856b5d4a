using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Api;
using Npgsql;
using NpgsqlTypes;

namespace ArbitrageEngine.Web.Backtests;

/// <summary>The per-user queue cap was reached: nothing was stored.</summary>
public sealed class BacktestQueueFullException(int queued, int cap)
    : Exception(string.Create(CultureInfo.InvariantCulture, $"you already have {queued} backtest run(s) queued; at most {cap} may wait at a time — wait for one to start or cancel it"))
{
    public int Queued { get; } = queued;
    public int Cap { get; } = cap;
}

/// <summary>
/// Saved backtest runs in PostgreSQL: the durable queue (claimed with FOR UPDATE SKIP LOCKED so several workers or
/// processes never take the same run), progress, results written with binary COPY, reads for the page and the API.
/// </summary>
public sealed class BacktestStore(NpgsqlDataSource dataSource)
{
    /// <summary>snake_case, named floating literals (an infinite profit factor is stored as "Infinity").</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private const string RunColumns = """
        run_id, owner_id, owner_name, kind, status, dataset, from_ms, to_ms, symbols, strategy_count, progress_pct, simulated_ms,
        trades_per_s, eta_s, trades_replayed, evaluations, ticks, trade_count, cancel_requested, error, created_at, started_at, finished_at, duration_s
        """;

    /// <summary>Queues a run unless its owner already has <paramref name="maxQueuedPerUser"/> queued (then nothing is stored).</summary>
    public async Task<Guid> EnqueueAsync(NewBacktestRun run, int maxQueuedPerUser, CancellationToken cancellationToken = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        // Serialises one user's submissions so two concurrent posts cannot both pass the cap.
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('backtest:' || $1))", conn, tx))
        {
            lockCmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run.OwnerId });
            await lockCmd.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var count = new NpgsqlCommand("SELECT count(*) FROM backtest_runs WHERE owner_id = $1 AND status = 'queued'", conn, tx))
        {
            count.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run.OwnerId });
            var queued = (int)(long)(await count.ExecuteScalarAsync(cancellationToken))!;
            if (queued >= maxQueuedPerUser)
            {
                throw new BacktestQueueFullException(queued, maxQueuedPerUser);
            }
        }

        var id = Guid.CreateVersion7();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO backtest_runs (run_id, owner_id, owner_name, kind, status, spec, dataset, from_ms, to_ms, symbols, strategy_count)
            VALUES ($1, $2, $3, $4, 'queued', $5, $6, $7, $8, $9, $10)
            """, conn, tx))
        {
            AddRunParameters(insert, id, run);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return id;
    }

    /// <summary>A run executed elsewhere (the CLI's <c>--save</c>): stored as running, its results follow with <see cref="SaveResultAsync"/>.</summary>
    public async Task<Guid> InsertRunningAsync(NewBacktestRun run, CancellationToken cancellationToken = default)
    {
        var id = Guid.CreateVersion7();
        await using var insert = dataSource.CreateCommand("""
            INSERT INTO backtest_runs (run_id, owner_id, owner_name, kind, status, spec, dataset, from_ms, to_ms, symbols, strategy_count, started_at)
            VALUES ($1, $2, $3, $4, 'running', $5, $6, $7, $8, $9, $10, now())
            """);
        AddRunParameters(insert, id, run);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return id;
    }

    /// <summary>A queued run claimed for this worker (now <c>running</c>) with its spec, or null when none waits.</summary>
    public async Task<(BacktestRunRow Run, JsonElement Spec)?> ClaimNextAsync(CancellationToken cancellationToken = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand($"""
            UPDATE backtest_runs SET status = 'running', started_at = now()
            WHERE run_id = (SELECT run_id FROM backtest_runs WHERE status = 'queued' ORDER BY created_at, run_id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING {RunColumns}, spec
            """, conn);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var run = ReadRun(reader);
        using var doc = JsonDocument.Parse(reader.GetString(24));
        return (run, doc.RootElement.Clone());
    }

    /// <summary>Runs left <c>running</c> by a previous process are marked failed (not resumed); returns how many.</summary>
    public async Task<int> FailInterruptedAsync(CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            UPDATE backtest_runs SET status = 'failed', error = $1, finished_at = now(),
                duration_s = EXTRACT(EPOCH FROM now() - coalesce(started_at, created_at))
            WHERE status = 'running'
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = BacktestRunStatuses.InterruptedByRestart });
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Stores progress; returns true when a cancel was requested meanwhile (by any process).</summary>
    public async Task<bool> ProgressAsync(Guid runId, BacktestProgress progress, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            UPDATE backtest_runs SET progress_pct = $2, simulated_ms = $3, trades_per_s = $4, eta_s = $5, trades_replayed = $6
            WHERE run_id = $1 RETURNING cancel_requested
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
        cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = progress.Percent });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = progress.SimulatedMs });
        cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = Finite(progress.TradesPerSecond) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = progress.Eta is { } eta ? eta.TotalSeconds : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = progress.TradesReplayed });
        return await cmd.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>
    /// Cancels a run: a queued one at once (it never starts), a running one by flag (the worker stops it and keeps
    /// the partial results). Returns the run's status after the request, null when there is no such run.
    /// </summary>
    public async Task<string?> RequestCancelAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            UPDATE backtest_runs SET
                cancel_requested = cancel_requested OR status IN ('queued', 'running'),
                status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
                finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END,
                duration_s = CASE WHEN status = 'queued' THEN 0 ELSE duration_s END
            WHERE run_id = $1 RETURNING status
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
        return await cmd.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Records a failed run and why.</summary>
    public async Task FailAsync(Guid runId, string error, double durationSeconds, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            UPDATE backtest_runs SET status = 'failed', error = $2, finished_at = now(), duration_s = $3 WHERE run_id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = error.Length > 2000 ? error[..2000] : error });
        cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = durationSeconds });
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Writes a run's results in one transaction — per-strategy rows and the trade list by binary COPY — and marks it
    /// succeeded, or cancelled when <see cref="BacktestResult.Cancelled"/> (its partial results are kept).
    /// </summary>
    public async Task SaveResultAsync(Guid runId, BacktestResult result, double durationSeconds, JsonElement? summary = null, CancellationToken cancellationToken = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        // A retried save replaces what an earlier attempt wrote.
        await using (var clear = new NpgsqlCommand("DELETE FROM backtest_strategies WHERE run_id = $1; ", conn, tx))
        {
            clear.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var clear = new NpgsqlCommand("DELETE FROM backtest_trades WHERE run_id = $1", conn, tx))
        {
            clear.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        await WriteStrategiesAsync(conn, runId, result.Strategies, cancellationToken);
        await WriteTradesAsync(conn, runId, result.Trades, cancellationToken);

        await using (var update = new NpgsqlCommand("""
            UPDATE backtest_runs SET status = $2, evaluations = $3, ticks = $4, trades_replayed = $5, trade_count = $6,
                progress_pct = CASE WHEN $2 = 'succeeded' THEN 100 ELSE progress_pct END, eta_s = NULL,
                finished_at = now(), duration_s = $7, summary = $8
            WHERE run_id = $1
            """, conn, tx))
        {
            update.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = result.Cancelled ? BacktestRunStatuses.Cancelled : BacktestRunStatuses.Succeeded });
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = result.Evaluations });
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = result.Ticks });
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = result.TradesReplayed });
            update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = result.Trades.Count });
            update.Parameters.Add(new NpgsqlParameter<double> { TypedValue = durationSeconds });
            update.Parameters.Add(new NpgsqlParameter { Value = summary is { } s ? s.GetRawText() : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>The walk-forward windows of a run (written once, after its last window).</summary>
    public async Task SaveWindowsAsync(Guid runId, IReadOnlyList<StoredWalkForwardWindow> windows, CancellationToken cancellationToken = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var writer = await conn.BeginBinaryImportAsync("""
            COPY backtest_windows (run_id, window_index, train_from_ms, train_to_ms, test_from_ms, test_to_ms, chosen, is_fitness, oos_fitness,
                is_net_r, oos_net_r, is_win_rate, oos_win_rate, is_trades, oos_trades) FROM STDIN (FORMAT BINARY)
            """, cancellationToken);
        foreach (var w in windows)
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(runId, NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(w.Index, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(w.TrainFromMs, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(w.TrainToMs, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(w.TestFromMs, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(w.TestToMs, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(w.Chosen.GetRawText(), NpgsqlDbType.Jsonb, cancellationToken);
            await writer.WriteAsync(Finite(w.InSampleFitness), NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(Finite(w.OutOfSampleFitness), NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(w.InSampleNetR, NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(w.OutOfSampleNetR, NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(w.InSampleWinRate, NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(w.OutOfSampleWinRate, NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(w.InSampleTrades, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(w.OutOfSampleTrades, NpgsqlDbType.Integer, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    private static async Task WriteStrategiesAsync(NpgsqlConnection conn, Guid runId, IReadOnlyList<StrategyBacktestResult> strategies, CancellationToken cancellationToken)
    {
        await using var writer = await conn.BeginBinaryImportAsync("""
            COPY backtest_strategies (run_id, ordinal, strategy_id, name, symbol, definition, stats, trade_count, win_rate, net_r, net_usdt,
                max_drawdown_r, evaluations, signals_taken, signals_rejected, equity_ms, equity_r, equity_usdt) FROM STDIN (FORMAT BINARY)
            """, cancellationToken);
        for (var i = 0; i < strategies.Count; i++)
        {
            var s = strategies[i];
            var stats = s.Statistics;
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(runId, NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(i, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(s.Strategy.StrategyId, NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(s.Strategy.DisplayName, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(s.Strategy.Symbol, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(JsonSerializer.Serialize(StrategyDto.From(s.Strategy), Json), NpgsqlDbType.Jsonb, cancellationToken);
            await writer.WriteAsync(JsonSerializer.Serialize(stats, Json), NpgsqlDbType.Jsonb, cancellationToken);
            await writer.WriteAsync(stats.TradeCount, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(stats.WinRate, NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(stats.NetR, NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(stats.NetUsdt, NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(stats.MaxDrawdownR, NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(s.Evaluations, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(s.SignalsTaken, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(JsonSerializer.Serialize(s.SignalsRejected, Json), NpgsqlDbType.Jsonb, cancellationToken);
            await writer.WriteAsync(s.Equity.Select(p => p.TimeMs).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(s.Equity.Select(p => p.CumulativeR).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(s.Equity.Select(p => p.BalanceUsdt).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Double, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>Trades in the order of the CLI's <c>--out</c> file: entry time, then strategy id.</summary>
    public static IEnumerable<BacktestTrade> Ordered(IEnumerable<BacktestTrade> trades) =>
        trades.OrderBy(t => t.Position.EntryTimeMs).ThenBy(t => t.Position.StrategyId.ToString("D"), StringComparer.Ordinal).ThenBy(t => t.Position.PositionId);

    private static async Task WriteTradesAsync(NpgsqlConnection conn, Guid runId, IReadOnlyList<BacktestTrade> trades, CancellationToken cancellationToken)
    {
        await using var writer = await conn.BeginBinaryImportAsync("""
            COPY backtest_trades (run_id, seq, strategy_id, position_id, symbol, direction, status, tier, score, entry, entry_ms, sl, tp1, tp2, stop,
                atr, risk_usd, tp1_hit, tp1_ms, exit_price, exit_ms, gross_r, fee_r, pnl_r, pnl_usdt, balance_after) FROM STDIN (FORMAT BINARY)
            """, cancellationToken);
        var seq = 0;
        foreach (var trade in Ordered(trades))
        {
            var p = trade.Position;
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(runId, NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(seq++, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(p.StrategyId, NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(p.PositionId, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(p.Symbol, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(p.Direction.Name(), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(p.Status.Name(), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(p.Tier, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(p.Score, NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(p.Entry, NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(p.EntryTimeMs, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(p.Sl, NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(p.Tp1, NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(p.Tp2, NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(p.Stop, NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(p.Atr, NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(p.RiskUsd, NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(p.Tp1Hit, NpgsqlDbType.Boolean, cancellationToken);
            await WriteNullableAsync(writer, p.Tp1TimeMs, NpgsqlDbType.Bigint, cancellationToken);
            await WriteNullableAsync(writer, p.ExitPrice, NpgsqlDbType.Double, cancellationToken);
            await WriteNullableAsync(writer, p.ExitTimeMs, NpgsqlDbType.Bigint, cancellationToken);
            await WriteNullableAsync(writer, p.GrossR, NpgsqlDbType.Double, cancellationToken);
            await WriteNullableAsync(writer, p.FeeR, NpgsqlDbType.Double, cancellationToken);
            await WriteNullableAsync(writer, p.PnlR, NpgsqlDbType.Double, cancellationToken);
            await WriteNullableAsync(writer, p.PnlUsdt, NpgsqlDbType.Double, cancellationToken);
            await WriteNullableAsync(writer, trade.BalanceAfter, NpgsqlDbType.Double, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    private static async Task WriteNullableAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        where T : struct
    {
        if (value is { } v)
        {
            await writer.WriteAsync(v, type, cancellationToken);
        }
        else
        {
            await writer.WriteNullAsync(cancellationToken);
        }
    }

    private static double Finite(double value) => double.IsFinite(value) ? value : 0;

    // ---- reads ----

    /// <summary>Saved runs, newest first (previews only when <paramref name="includePreviews"/>).</summary>
    public async Task<IReadOnlyList<BacktestRunRow>> ListAsync(int limit = 200, bool includePreviews = false, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT {RunColumns} FROM backtest_runs WHERE $2 OR kind <> 'preview' ORDER BY created_at DESC, run_id DESC LIMIT $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(limit, 1, 1000) });
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = includePreviews });
        var rows = new List<BacktestRunRow>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(ReadRun(reader));
        }

        return rows;
    }

    public async Task<BacktestRunRow?> FindAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {RunColumns} FROM backtest_runs WHERE run_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRun(reader) : null;
    }

    /// <summary>The spec a run was submitted with (to re-open it in the form).</summary>
    public async Task<JsonElement?> SpecAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("SELECT spec::text FROM backtest_runs WHERE run_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
        if (await cmd.ExecuteScalarAsync(cancellationToken) is not string text)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    /// <summary>The walk-forward summary (stitched out-of-sample equity, OOS/IS ratio) stored with a run, if any.</summary>
    public async Task<JsonElement?> SummaryAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("SELECT summary::text FROM backtest_runs WHERE run_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
        if (await cmd.ExecuteScalarAsync(cancellationToken) is not string text)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    public async Task<IReadOnlyList<StoredStrategyResult>> StrategiesAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT ordinal, strategy_id, name, symbol, definition::text, stats::text, trade_count, win_rate, net_r, net_usdt, max_drawdown_r, evaluations,
                signals_taken, signals_rejected::text, equity_ms, equity_r, equity_usdt
            FROM backtest_strategies WHERE run_id = $1 ORDER BY ordinal
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
        var rows = new List<StoredStrategyResult>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var ms = reader.GetFieldValue<long[]>(14);
            var r = reader.GetFieldValue<double[]>(15);
            var usdt = reader.GetFieldValue<double[]>(16);
            rows.Add(new StoredStrategyResult(
                reader.GetInt32(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), Parse(reader.GetString(4)), Parse(reader.GetString(5)),
                reader.GetInt32(6), reader.GetDouble(7), reader.GetDouble(8), reader.GetDouble(9), reader.GetDouble(10), reader.GetInt64(11), reader.GetInt32(12),
                JsonSerializer.Deserialize<Dictionary<string, int>>(reader.GetString(13)) ?? [],
                [.. ms.Select((t, i) => new ArbitrageEngine.Engine.Backtest.EquityPoint(t, r[i], usdt[i]))]));
        }

        return rows;
    }

    /// <summary>Paper statistics stored for one strategy of a run (engine.md §6.4).</summary>
    public static PaperStatistics StatisticsOf(StoredStrategyResult result) =>
        result.Statistics.Deserialize<PaperStatistics>(Json) ?? PaperStatistics.Empty;

    /// <summary>A page of trades (1-based), optionally of one strategy, in stored order.</summary>
    public async Task<BacktestTradePage> TradesAsync(Guid runId, Guid? strategyId, int page, int size, CancellationToken cancellationToken = default)
    {
        page = Math.Max(1, page);
        size = Math.Clamp(size, 1, 500);
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken);
        int total;
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM backtest_trades WHERE run_id = $1 AND ($2::uuid IS NULL OR strategy_id = $2)", conn))
        {
            count.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
            count.Parameters.Add(new NpgsqlParameter { Value = strategyId is { } sid ? sid : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
            total = (int)(long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        var rows = new List<StoredBacktestTrade>();
        await using var cmd = new NpgsqlCommand($"""
            SELECT {TradeColumns} FROM backtest_trades WHERE run_id = $1 AND ($2::uuid IS NULL OR strategy_id = $2) ORDER BY seq LIMIT $3 OFFSET $4
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = strategyId is { } s ? s : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = size });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)(page - 1) * size });
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(ReadTrade(reader));
        }

        return new BacktestTradePage(rows, page, size, total);
    }

    /// <summary>Every trade of a run in stored order, streamed (CSV export, statistics of one strategy).</summary>
    public async IAsyncEnumerable<StoredBacktestTrade> AllTradesAsync(Guid runId, Guid? strategyId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT {TradeColumns} FROM backtest_trades WHERE run_id = $1 AND ($2::uuid IS NULL OR strategy_id = $2) ORDER BY seq
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = strategyId is { } s ? s : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadTrade(reader);
        }
    }

    public async Task<IReadOnlyList<StoredWalkForwardWindow>> WindowsAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT window_index, train_from_ms, train_to_ms, test_from_ms, test_to_ms, chosen::text, is_fitness, oos_fitness, is_net_r, oos_net_r,
                is_win_rate, oos_win_rate, is_trades, oos_trades
            FROM backtest_windows WHERE run_id = $1 ORDER BY window_index
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
        var rows = new List<StoredWalkForwardWindow>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new StoredWalkForwardWindow(reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                Parse(reader.GetString(5)), reader.GetDouble(6), reader.GetDouble(7), reader.GetDouble(8), reader.GetDouble(9), reader.GetDouble(10),
                reader.GetDouble(11), reader.GetInt32(12), reader.GetInt32(13)));
        }

        return rows;
    }

    /// <summary>Deletes a finished or queued run and everything it stored; a running run must be cancelled first.</summary>
    public async Task<bool> DeleteAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("DELETE FROM backtest_runs WHERE run_id = $1 AND status <> 'running'");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
        return await cmd.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private const string TradeColumns = """
        seq, strategy_id, position_id, symbol, direction, status, tier, score, entry, entry_ms, sl, tp1, tp2, stop, atr, risk_usd, tp1_hit, tp1_ms,
        exit_price, exit_ms, gross_r, fee_r, pnl_r, pnl_usdt, balance_after
        """;

    private static StoredBacktestTrade ReadTrade(NpgsqlDataReader r) => new(
        r.GetInt32(0), r.GetGuid(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetDouble(7), r.GetDouble(8),
        r.GetInt64(9), r.GetDouble(10), r.GetDouble(11), r.GetDouble(12), r.GetDouble(13), r.GetDouble(14), r.GetDouble(15), r.GetBoolean(16),
        NullableLong(r, 17), NullableDouble(r, 18), NullableLong(r, 19), NullableDouble(r, 20), NullableDouble(r, 21), NullableDouble(r, 22),
        NullableDouble(r, 23), NullableDouble(r, 24));

    private static BacktestRunRow ReadRun(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6), r.GetInt64(7),
        r.GetFieldValue<string[]>(8), r.GetInt32(9), r.GetDouble(10), NullableLong(r, 11), NullableDouble(r, 12), NullableDouble(r, 13),
        r.GetInt64(14), r.GetInt64(15), r.GetInt64(16), r.GetInt32(17), r.GetBoolean(18), r.IsDBNull(19) ? null : r.GetString(19),
        r.GetFieldValue<DateTimeOffset>(20), NullableTime(r, 21), NullableTime(r, 22), NullableDouble(r, 23));

    private static long? NullableLong(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    private static double? NullableDouble(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);

    private static JsonElement Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    /// <summary>$1..$10 of both run inserts (queued by the service, running at once for the CLI).</summary>
    private static void AddRunParameters(NpgsqlCommand insert, Guid id, NewBacktestRun run)
    {
        insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run.OwnerId });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run.OwnerName });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run.Kind });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run.Spec.GetRawText(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run.Dataset });
        insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = run.FromMs });
        insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = run.ToMs });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. run.Symbols] });
        insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = run.StrategyCount });
    }
}
