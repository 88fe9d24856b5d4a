using Microsoft.AspNetCore.Identity;

namespace ArbitrageEngine.Web.Persistence.Entities;

/// <summary>An account. Identity columns plus the ban flag and creation time.</summary>
public sealed class AppUser : IdentityUser
{
    public bool IsBanned { get; set; }

    public DateTimeOffset? BannedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
