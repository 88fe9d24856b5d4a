using System.Text.Json;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Persistence.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;
using Npgsql;
using NpgsqlTypes;

namespace ArbitrageEngine.Engine.Persistence.Engine;

/// <summary>Everything one evaluated tick changed, written in one transaction (so a crash keeps all of it or none).</summary>
public sealed record TickBatch(
    long TickMs,
    Guid SessionId,
    int Evaluated,
    IReadOnlyList<(EngineCommand Command, string? RejectedReason)> Commands,
    IReadOnlyList<PositionSnapshot> Opened,
    IReadOnlyList<(PositionSnapshot Position, double BalanceAfter)> Closed,
    IReadOnlyList<ScoreResult> Evaluations,
    IReadOnlyList<(Guid StrategyId, long? LastSignalTs)> EngineState,
    IReadOnlyList<FeatureReading> Features);

/// <summary>
/// The live loop's journal in PostgreSQL (features it records go to the live dataset <paramref name="datasetId"/>): sessions (each start with its warm-up and strategies), evaluated and skipped
/// ticks, and the engine command log. With the evaluations and positions it is what a parity replay needs
/// (backtest.md §2, §9).
/// </summary>
public sealed class EngineJournal(NpgsqlDataSource dataSource, int datasetId = 1) : IEngineJournalReader
{
    private static JsonSerializerOptions Json => EngineCommandJson.Options;

    /// <summary>Appends a command (pending) on the caller's connection and transaction — the same one that stores the change it describes.</summary>
    public static async Task AppendCommandAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, EngineCommand command, string? actor, CancellationToken cancellationToken = default)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO engine_commands (command_id, kind, strategy_id, payload, actor) VALUES ($1, $2, $3, $4, $5)", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = command.CommandId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = command.Kind });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = command.StrategyId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = EngineCommandJson.Serialize(command), NpgsqlDbType = NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)actor ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks every still-pending command as applied at the start of <paramref name="sessionId"/> and returns their ids —
    /// run in the same snapshot transaction that reads the strategies the session starts with.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> ClaimPendingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid sessionId, CancellationToken cancellationToken = default)
    {
        await using var cmd = new NpgsqlCommand(
            "UPDATE engine_commands SET applied_session = $1 WHERE applied_tick_ms IS NULL AND applied_session IS NULL AND rejected_reason IS NULL RETURNING command_id",
            conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sessionId });
        var ids = new List<Guid>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(r.GetGuid(0));
        }

        return ids;
    }

    public async Task InsertSessionAsync(SessionRecord session, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "INSERT INTO engine_sessions (session_id, started_ms, warmup, strategies, applied_commands) VALUES ($1, $2, $3, $4, $5)");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = session.SessionId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = session.StartedMs });
        cmd.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(session.Warmup, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(session.Strategies, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. session.CommandsAppliedAtStart] });
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes one evaluated tick: command stamps, opens, closes, evaluations, cooldowns and the tick row, atomically.</summary>
    public async Task WriteTickAsync(TickBatch batch, CancellationToken cancellationToken = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (command, rejected) in batch.Commands)
        {
            await using var cmd = new NpgsqlCommand(
                "UPDATE engine_commands SET applied_tick_ms = $2, applied_session = $3, rejected_reason = $4 WHERE command_id = $1", conn, tx);
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = command.CommandId });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.TickMs });
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = batch.SessionId });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)rejected ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var (p, balanceAfter) in batch.Closed)
        {
            await PaperTradeStore.CloseAsync(conn, tx, p, null, balanceAfter, cancellationToken).ConfigureAwait(false);
        }

        foreach (var p in batch.Opened)
        {
            await PaperTradeStore.InsertOpenAsync(conn, tx, p, cancellationToken).ConfigureAwait(false);
        }

        await PaperTradeStore.WriteEvaluationsAsync(conn, batch.Evaluations, cancellationToken).ConfigureAwait(false);
        await PaperTradeStore.SaveEngineStateAsync(conn, tx, batch.EngineState.Select(s => (s.StrategyId, s.LastSignalTs, batch.TickMs)), cancellationToken).ConfigureAwait(false);
        await using (var tick = new NpgsqlCommand(
            "INSERT INTO engine_ticks (tick_ms, session_id, evaluated) VALUES ($1, $2, $3) ON CONFLICT (tick_ms) DO NOTHING", conn, tx))
        {
            tick.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.TickMs });
            tick.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = batch.SessionId });
            tick.Parameters.Add(new NpgsqlParameter<int> { TypedValue = batch.Evaluated });
            await tick.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (batch.Features.Count > 0)
        {
            await using var importer = await conn.BeginBinaryImportAsync(
                "COPY market_indicators (dataset_id, symbol, indicator_type, timestamp_ms, value) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            foreach (var f in batch.Features)
            {
                importer.StartRow();
                importer.Write(datasetId, NpgsqlDbType.Integer);
                importer.Write(f.Symbol, NpgsqlDbType.Text);
                importer.Write(f.Key.Name(), NpgsqlDbType.Text);
                importer.Write(f.TimeMs, NpgsqlDbType.Bigint);
                importer.Write(FeatureValueJson(f.Value), NpgsqlDbType.Jsonb);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stored form of a feature value ("R": the same double comes back).</summary>
    public static string FeatureValueJson(double? value) =>
        value is { } v ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{{\"value\": {v:R}}}") : "{\"value\": null}";

    /// <summary>Parks a write that kept failing for a reason other than an outage, with what it would have written.</summary>
    public async Task DeadLetterAsync(string kind, string payloadJson, string error, int attempts, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("INSERT INTO persistence_dead_letters (kind, payload, error, attempts) VALUES ($1, $2, $3, $4)");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        cmd.Parameters.Add(new NpgsqlParameter { Value = payloadJson, NpgsqlDbType = NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = error });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = attempts });
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task RecordSkippedTickAsync(long tickMs, Guid sessionId, string reason, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "INSERT INTO engine_ticks (tick_ms, session_id, evaluated, skipped_reason) VALUES ($1, $2, 0, $3) ON CONFLICT (tick_ms) DO NOTHING");
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = tickMs });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sessionId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reason });
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SessionRecord>> SessionsAsync(long fromMs, long toMs, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT session_id, started_ms, warmup::text, strategies::text, applied_commands FROM engine_sessions WHERE started_ms >= $1 AND started_ms < $2 ORDER BY started_ms");
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromMs });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toMs });
        var result = new List<SessionRecord>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new SessionRecord(
                r.GetGuid(0),
                r.GetInt64(1),
                JsonSerializer.Deserialize<List<SymbolWarmup>>(r.GetString(2), Json) ?? [],
                JsonSerializer.Deserialize<List<StrategyDefinition>>(r.GetString(3), Json) ?? [],
                r.GetFieldValue<Guid[]>(4)));
        }

        return result;
    }

    public async Task<IReadOnlyList<long>> TicksAsync(long fromMs, long toMs, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT tick_ms FROM engine_ticks WHERE tick_ms >= $1 AND tick_ms < $2 AND skipped_reason IS NULL ORDER BY tick_ms");
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromMs });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toMs });
        var result = new List<long>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(r.GetInt64(0));
        }

        return result;
    }

    public async Task<IReadOnlyList<CommandRecord>> CommandsAsync(long fromMs, long toMs, IReadOnlyCollection<Guid> sessions, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT seq, payload::text, applied_tick_ms, applied_session, rejected_reason FROM engine_commands
            WHERE (applied_tick_ms >= $1 AND applied_tick_ms < $2) OR (applied_tick_ms IS NULL AND applied_session = ANY($3))
            ORDER BY seq
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromMs });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toMs });
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. sessions] });
        var result = new List<CommandRecord>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new CommandRecord(
                r.GetInt64(0),
                EngineCommandJson.Deserialize(r.GetString(1)),
                r.IsDBNull(2) ? null : r.GetInt64(2),
                r.IsDBNull(3) ? null : r.GetGuid(3),
                r.IsDBNull(4) ? null : r.GetString(4)));
        }

        return result;
    }
}
