using System.Security.Claims;

namespace ArbitrageEngine.Web.Accounts;

/// <summary>Who performs an audited action, and from where.</summary>
public sealed record AuditActor(string UserName, string? UserId, string? Ip)
{
    public static AuditActor System { get; } = new("system", null, null);

    public static AuditActor From(ClaimsPrincipal user, string? ip) =>
        new(user.Identity?.Name ?? "anonymous", user.FindFirstValue(ClaimTypes.NameIdentifier), ip);
}
