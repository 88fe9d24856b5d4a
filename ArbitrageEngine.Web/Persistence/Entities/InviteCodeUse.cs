namespace ArbitrageEngine.Web.Persistence.Entities;

/// <summary>One registration made with an invite code.</summary>
public sealed class InviteCodeUse
{
    public long Id { get; set; }

    public Guid InviteCodeId { get; set; }

    public InviteCode? InviteCode { get; set; }

    public required string UserId { get; set; }

    public required string UserName { get; set; }

    public DateTimeOffset UsedAt { get; set; } = DateTimeOffset.UtcNow;

    public string? Ip { get; set; }
}
