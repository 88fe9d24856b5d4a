using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Loop;

/// <summary>
/// One start of the live loop: when (market clock), what its warm-up loaded, the strategies it started with (with
/// balances), and the pending commands whose effect was already in those strategies.
/// </summary>
public sealed record SessionRecord(
    Guid SessionId,
    long StartedMs,
    IReadOnlyList<SymbolWarmup> Warmup,
    IReadOnlyList<StrategyDefinition> Strategies,
    IReadOnlyList<Guid> CommandsAppliedAtStart);

/// <summary>A logged command and when it took effect (a tick, or the start of a session).</summary>
public sealed record CommandRecord(long Seq, EngineCommand Command, long? AppliedTickMs, Guid? AppliedSession, string? RejectedReason);

/// <summary>Reads what the live loop recorded (engine_sessions, engine_ticks, engine_commands).</summary>
public interface IEngineJournalReader
{
    /// <summary>Sessions that started in [fromMs, toMs), oldest first.</summary>
    Task<IReadOnlyList<SessionRecord>> SessionsAsync(long fromMs, long toMs, CancellationToken cancellationToken = default);

    /// <summary>Ticks that were evaluated in [fromMs, toMs), in order.</summary>
    Task<IReadOnlyList<long>> TicksAsync(long fromMs, long toMs, CancellationToken cancellationToken = default);

    /// <summary>Commands applied at a tick in [fromMs, toMs) or at the start of one of <paramref name="sessions"/>, in sequence order.</summary>
    Task<IReadOnlyList<CommandRecord>> CommandsAsync(long fromMs, long toMs, IReadOnlyCollection<Guid> sessions, CancellationToken cancellationToken = default);
}
