namespace ArbitrageEngine.Web.Notifications;

/// <summary>What a user can subscribe to.</summary>
public enum NotificationKind
{
    Signal,
    PositionOpened,
    PositionClosed,
    FundingSignal,
    CollectorFault,
    EvolveResult,
    Test,
}

/// <summary>Where a channel delivers.</summary>
public enum ChannelKind
{
    Discord,
    Telegram,
    Webhook,
}

/// <summary>Database names of the enums (snake_case, stable).</summary>
public static class NotificationNames
{
    public static string Name(this NotificationKind kind) => kind switch
    {
        NotificationKind.Signal => "signal",
        NotificationKind.PositionOpened => "position_opened",
        NotificationKind.PositionClosed => "position_closed",
        NotificationKind.FundingSignal => "funding_signal",
        NotificationKind.CollectorFault => "collector_fault",
        NotificationKind.EvolveResult => "evolve_result",
        _ => "test",
    };

    public static string Name(this ChannelKind kind) => kind switch
    {
        ChannelKind.Discord => "discord",
        ChannelKind.Telegram => "telegram",
        _ => "webhook",
    };

    public static NotificationKind ParseKind(string name) =>
        Enum.GetValues<NotificationKind>().FirstOrDefault(k => k.Name() == name, NotificationKind.Test);

    public static ChannelKind ParseChannel(string name) =>
        Enum.GetValues<ChannelKind>().FirstOrDefault(k => k.Name() == name, ChannelKind.Webhook);

    /// <summary>Kinds a user can subscribe to (not the admin's test).</summary>
    public static readonly NotificationKind[] Subscribable =
        [NotificationKind.Signal, NotificationKind.PositionOpened, NotificationKind.PositionClosed, NotificationKind.FundingSignal, NotificationKind.CollectorFault, NotificationKind.EvolveResult];

    /// <summary>Kinds that can be limited to chosen strategies.</summary>
    public static bool HasStrategies(this NotificationKind kind) => kind is NotificationKind.Signal or NotificationKind.PositionOpened or NotificationKind.PositionClosed;
}

/// <summary>One message to deliver: a title, a body, structured fields (for the JSON webhook) and the strategy it concerns.</summary>
public sealed record Notification(NotificationKind Kind, string Title, string Text, long TimeMs, Guid? StrategyId = null, IReadOnlyDictionary<string, string>? Fields = null);

/// <summary>A channel as the sender needs it (the secret decrypted, in memory only).</summary>
public sealed record ChannelConfig(long Id, string Name, ChannelKind Kind, string Target, string Secret, int MaxPerMinute, bool Enabled);

/// <summary>A channel as pages show it: never the secret, only its hint.</summary>
public sealed record ChannelView(long Id, string Name, ChannelKind Kind, string Target, string SecretHint, int MaxPerMinute, bool Enabled, string CreatedBy, DateTimeOffset CreatedAt);

/// <summary>One subscription of a user: a kind on a channel, optionally limited to strategies (null = all).</summary>
public sealed record SubscriptionRow(long ChannelId, NotificationKind Kind, IReadOnlyList<Guid>? StrategyIds);

/// <summary>The final outcome of one delivery (after retries).</summary>
public sealed record DeliveryRecord(long Id, long ChannelId, string ChannelName, NotificationKind Kind, string Title, bool Delivered, int Attempts, int? HttpStatus, string? Error, int Coalesced, long CreatedMs, long FinishedMs);
