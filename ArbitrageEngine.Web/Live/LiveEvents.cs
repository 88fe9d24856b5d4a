namespace ArbitrageEngine.Web.Live;

/// <summary>Something the UI and external clients are told about as it happens.</summary>
public abstract record LiveEvent;

/// <summary>Last price of a symbol (throttled to at most 4 per second per symbol).</summary>
public sealed record PriceTickEvent(string Symbol, double Price, long TimeMs) : LiveEvent;

/// <summary>A position opened, hit TP1 or closed (with its P&amp;L).</summary>
public sealed record PositionEvent(
    string Kind,
    long PositionId,
    Guid StrategyId,
    string Symbol,
    string Direction,
    string Status,
    double Entry,
    double? ExitPrice,
    double? PnlR,
    double? PnlUsdt,
    double? BalanceAfter,
    long TimeMs) : LiveEvent;

/// <summary>One strategy's result at a tick, as much as a list or a card needs.</summary>
public sealed record EvaluationSummary(Guid StrategyId, string Symbol, double Score, string? Direction, string? Signal, string? Tier, string? GateBlock);

/// <summary>
/// All results of one evaluation tick; <paramref name="CompletedMs"/> is the wall time the tick finished (clients measure
/// their latency from it) and <paramref name="DurationMs"/> how long scoring, deciding and the persistence hand-off took.
/// </summary>
public sealed record EvaluationEvent(long TickMs, long CompletedMs, double DurationMs, IReadOnlyList<EvaluationSummary> Results) : LiveEvent;

/// <summary>A strategy was created, edited, paused, resumed, deprecated, restored or topped up.</summary>
public sealed record StrategyChangedEvent(Guid StrategyId, string Action) : LiveEvent;
