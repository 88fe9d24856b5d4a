namespace ArbitrageEngine.Web.Persistence.Entities;

/// <summary>One row of the append-only audit log (a database trigger refuses UPDATE and DELETE).</summary>
public sealed class AuditLogEntry
{
    public long Id { get; set; }

    /// <summary>User name of whoever acted ("system" for start-up work).</summary>
    public required string Actor { get; set; }

    public string? ActorId { get; set; }

    public required string Action { get; set; }

    public required string TargetType { get; set; }

    public string? TargetId { get; set; }

    /// <summary>JSON (jsonb) of the target before the change, null when it did not exist.</summary>
    public string? Before { get; set; }

    /// <summary>JSON (jsonb) of the target after the change, null when it was removed.</summary>
    public string? After { get; set; }

    public DateTimeOffset At { get; set; } = DateTimeOffset.UtcNow;

    public string? Ip { get; set; }

    /// <summary>How the actor was authenticated: "cookie", "token {id}", or null for system work.</summary>
    public string? Via { get; set; }
}
