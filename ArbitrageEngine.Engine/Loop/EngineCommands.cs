using System.Text.Json;
using System.Text.Json.Serialization;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Loop;

/// <summary>
/// A change for the engine (backtest.md §2), as data: created by the strategy service, stored in <c>engine_commands</c>
/// in the same transaction as the change it describes, applied by the loop at the next tick boundary and stamped
/// with that tick. Replaying a period with its recorded commands reproduces what live did.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(UpsertStrategyCommand), "upsert")]
[JsonDerivedType(typeof(SetStatusCommand), "status")]
[JsonDerivedType(typeof(TopUpCommand), "top_up")]
public abstract record EngineCommand(Guid CommandId, Guid StrategyId)
{
    /// <summary>Short name stored with the command ("upsert", "status", "top_up").</summary>
    [JsonIgnore]
    public string Kind => this switch
    {
        UpsertStrategyCommand => "upsert",
        SetStatusCommand => "status",
        TopUpCommand => "top_up",
        _ => GetType().Name,
    };
}

/// <summary>Creates a strategy or replaces its parameters (balances stay the broker's).</summary>
public sealed record UpsertStrategyCommand(Guid CommandId, StrategyDefinition Strategy) : EngineCommand(CommandId, Strategy.StrategyId);


/// <summary>Pause, resume, deprecate or restore.</summary>
public sealed record SetStatusCommand(Guid CommandId, Guid StrategyId, StrategyStatus Status) : EngineCommand(CommandId, StrategyId);


/// <summary>Adds <paramref name="Amount"/> USDT to the initial and the current balance.</summary>
public sealed record TopUpCommand(Guid CommandId, Guid StrategyId, double Amount) : EngineCommand(CommandId, StrategyId);


/// <summary>The one JSON form of commands (database log, future cross-process transport).</summary>
public static class EngineCommandJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Serialize(EngineCommand command) => JsonSerializer.Serialize(command, Options);

    public static EngineCommand Deserialize(string json) =>
        JsonSerializer.Deserialize<EngineCommand>(json, Options) ?? throw new FormatException("Empty engine command.");
}
