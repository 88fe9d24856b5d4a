using ArbitrageEngine.Web.Hosting.Market;
using Npgsql;
using NpgsqlTypes;

namespace ArbitrageEngine.Web.Evolve;

/// <summary>One row of the runs list.</summary>
public sealed record EvolveRunRow(
    Guid RunId, DateOnly BeijingDate, string Mode, string Trigger, bool Forced, string Status, string Actor,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, int Created, int Retired, string? Summary, string? Error)
{
    public TimeSpan? Duration => FinishedAt is { } f ? f - StartedAt : null;
}

/// <summary>A run refused before it started (the date's apply exists, another run is in progress).</summary>
public sealed record EvolveRefusal(string Reason, Guid? ExistingRunId);

/// <summary>evolve_runs and evolve_schedule (Npgsql): run rows, reports, the per-date apply guarantee and the schedule claims.</summary>
public sealed class EvolveStore(MarketDatabase database)
{
    private const string Columns = "run_id, beijing_date, mode, trigger, forced, status, actor, started_at, finished_at, created_count, retired_count, summary, error";

    // One advisory lock key for "starting an apply": two processes starting applies for a date serialise on it.
    private const long ApplyLockKey = 0x45766f6c7665; // "Evolve"

    /// <summary>
    /// Inserts the run row (status running). An unforced apply is refused when the date already has a running or
    /// successful apply (checked under an advisory lock; the partial unique index guarantees it regardless).
    /// </summary>
    public async Task<EvolveRefusal?> TryStartAsync(Guid runId, DateOnly date, EvolveMode mode, string trigger, bool forced, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var dataSource = await database.DataSourceAsync(ct);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (mode == EvolveMode.Apply)
        {
            await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", conn, tx))
            {
                lockCmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = ApplyLockKey });
                await lockCmd.ExecuteNonQueryAsync(ct);
            }

            if (!forced && await ExistingApplyAsync(conn, tx, date, ct) is { } existing)
            {
                return new EvolveRefusal($"an apply already ran for {date:yyyy-MM-dd} (run {existing}); use force to run another", existing);
            }
        }

        await using (var cmd = new NpgsqlCommand(
            "INSERT INTO evolve_runs (run_id, beijing_date, mode, trigger, forced, status, actor, started_at) VALUES ($1, $2, $3, $4, $5, 'running', $6, $7)", conn, tx))
        {
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
            cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = date });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = mode.Name() });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = trigger });
            cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = forced });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = actor });
            cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            try
            {
                await cmd.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                await tx.RollbackAsync(ct);
                var existing = await ExistingApplyAsync(conn, null, date, ct);
                return new EvolveRefusal($"an apply already ran for {date:yyyy-MM-dd} (run {existing})", existing);
            }
        }

        await tx.CommitAsync(ct);
        return null;
    }

    private static async Task<Guid?> ExistingApplyAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, DateOnly date, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT run_id FROM evolve_runs WHERE beijing_date = $1 AND mode = 'apply' AND status IN ('running', 'succeeded') ORDER BY started_at LIMIT 1", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = date });
        return await cmd.ExecuteScalarAsync(ct) is Guid id ? id : null;
    }

    /// <summary>Marks the run finished with its reports; on <paramref name="conn"/>/<paramref name="tx"/> when given (apply: same transaction as the changes).</summary>
    public async Task FinishAsync(Guid runId, string status, int created, int retired, string? summary, string? error, EvolveReport? report, string? markdown,
        DateTimeOffset now, CancellationToken ct, NpgsqlConnection? conn = null, NpgsqlTransaction? tx = null)
    {
        NpgsqlConnection? own = null;
        if (conn is null)
        {
            own = await (await database.DataSourceAsync(ct)).OpenConnectionAsync(ct);
            conn = own;
        }

        try
        {
            await using var cmd = new NpgsqlCommand("""
                UPDATE evolve_runs SET status = $2, finished_at = $3, created_count = $4, retired_count = $5, summary = $6, error = $7,
                    report_md = coalesce($8, report_md), report_json = coalesce($9, report_json)
                WHERE run_id = $1
                """, conn, tx);
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = status });
            cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = created });
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = retired });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)summary ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)markdown ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)report?.ToJson() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Runs still marked running after <paramref name="staleAfter"/> were interrupted (a crash or a stop; a run takes
    /// minutes): failed. Another process's live run is younger, so it is left alone.
    /// </summary>
    public async Task<int> FailInterruptedAsync(DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct)
    {
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand(
            "UPDATE evolve_runs SET status = 'failed', finished_at = $1, error = 'interrupted (the process stopped during the run)' WHERE status = 'running' AND started_at < $2");
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now - staleAfter });
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<EvolveRunRow>> ListAsync(int take, CancellationToken ct)
    {
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand($"SELECT {Columns} FROM evolve_runs ORDER BY started_at DESC, run_id LIMIT $1");
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = take });
        var result = new List<EvolveRunRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result.Add(Read(r));
        }

        return result;
    }

    public async Task<EvolveRunRow?> FindAsync(Guid runId, CancellationToken ct)
    {
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand($"SELECT {Columns} FROM evolve_runs WHERE run_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    /// <summary>The stored report: "md" (Markdown) or "json".</summary>
    public async Task<string?> ReportAsync(Guid runId, string format, CancellationToken ct)
    {
        var column = format == "md" ? "report_md" : "report_json::text";
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand($"SELECT {column} FROM evolve_runs WHERE run_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>The run whose report created <paramref name="strategyIds"/> (for the plaza badge), per strategy.</summary>
    public async Task<IReadOnlyDictionary<Guid, Guid>> CreatingRunsAsync(IReadOnlyCollection<Guid> strategyIds, CancellationToken ct)
    {
        var result = new Dictionary<Guid, Guid>();
        if (strategyIds.Count == 0)
        {
            return result;
        }

        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand("""
            SELECT (c->>'strategy_id')::uuid, run_id FROM evolve_runs, jsonb_array_elements(report_json->'created') c
            WHERE mode = 'apply' AND status = 'succeeded' AND (c->>'strategy_id')::uuid = ANY($1)
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. strategyIds] });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result[r.GetGuid(0)] = r.GetGuid(1);
        }

        return result;
    }

    /// <summary>Claims <paramref name="date"/> for the scheduled run; false when another process (or an earlier start) already did.</summary>
    public async Task<bool> ClaimScheduleAsync(DateOnly date, CancellationToken ct)
    {
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand(
            "INSERT INTO evolve_schedule (beijing_date, status) VALUES ($1, 'claimed') ON CONFLICT (beijing_date) DO NOTHING");
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = date });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task MarkScheduleAsync(DateOnly date, string status, Guid? runId, string? note, CancellationToken ct)
    {
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand(
            "UPDATE evolve_schedule SET status = $2, run_id = coalesce($3, run_id), note = $4 WHERE beijing_date = $1");
        cmd.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = date });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = status });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)runId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)note ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The latest date the schedule has a row for (null on a fresh database).</summary>
    public async Task<DateOnly?> LastScheduledDateAsync(CancellationToken ct)
    {
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand("SELECT max(beijing_date) FROM evolve_schedule");
        return await cmd.ExecuteScalarAsync(ct) is DateOnly d ? d : null;
    }

    /// <summary>Records a date the schedule never ran: a schedule row and a run row with status missed (so the runs list shows it).</summary>
    public async Task<bool> RecordMissedAsync(DateOnly date, DateTimeOffset now, string note, CancellationToken ct)
    {
        var dataSource = await database.DataSourceAsync(ct);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var runId = Guid.CreateVersion7(now);
        await using (var claim = new NpgsqlCommand("INSERT INTO evolve_schedule (beijing_date, status, note) VALUES ($1, 'missed', $2) ON CONFLICT (beijing_date) DO NOTHING", conn, tx))
        {
            claim.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = date });
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = note });
            if (await claim.ExecuteNonQueryAsync(ct) == 0)
            {
                return false;
            }
        }

        await using (var run = new NpgsqlCommand("""
            INSERT INTO evolve_runs (run_id, beijing_date, mode, trigger, status, actor, started_at, finished_at, summary)
            VALUES ($1, $2, 'dry_run', 'scheduled', 'missed', 'system', $3, $3, $4)
            """, conn, tx))
        {
            run.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
            run.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = date });
            run.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            run.Parameters.Add(new NpgsqlParameter<string> { TypedValue = note });
            await run.ExecuteNonQueryAsync(ct);
        }

        await using (var link = new NpgsqlCommand("UPDATE evolve_schedule SET run_id = $2 WHERE beijing_date = $1", conn, tx))
        {
            link.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = date });
            link.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
            await link.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return true;
    }

    private static EvolveRunRow Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetFieldValue<DateOnly>(1), r.GetString(2), r.GetString(3), r.GetBoolean(4), r.GetString(5), r.GetString(6),
        r.GetFieldValue<DateTimeOffset>(7), r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8), r.GetInt32(9), r.GetInt32(10),
        r.IsDBNull(11) ? null : r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12));
}
