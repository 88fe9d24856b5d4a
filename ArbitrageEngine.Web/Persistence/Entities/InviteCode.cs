namespace ArbitrageEngine.Web.Persistence.Entities;

/// <summary>An invite code: registration needs one that is active, not expired and has uses left.</summary>
public sealed class InviteCode
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public required string Code { get; set; }

    public int MaxUses { get; set; } = 1;

    public int Uses { get; set; }

    public bool Active { get; set; } = true;

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    public string? CreatedBy { get; set; }

    public DateTimeOffset? DisabledAt { get; set; }

    public List<InviteCodeUse> UseRecords { get; set; } = [];
}
