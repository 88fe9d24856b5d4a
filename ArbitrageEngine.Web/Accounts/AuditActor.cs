using System.Security.Claims;

namespace ArbitrageEngine.Web.Accounts;

/// <summary>Who performs an audited action, from where, and how they were authenticated ("cookie" / "token {id}").</summary>
public sealed record AuditActor(string UserName, string? UserId, string? Ip, string? Via = null)
{
    public static AuditActor System { get; } = new("system", null, null);

    public static AuditActor From(ClaimsPrincipal user, string? ip) =>
        new(user.Identity?.Name ?? "anonymous", user.FindFirstValue(ClaimTypes.NameIdentifier), ip, ViaOf(user));

    public static string? ViaOf(ClaimsPrincipal user) =>
        ApiTokenClaims.TokenIdOf(user) is { } tokenId ? "token " + tokenId.ToString("D")
        : user.Identity?.IsAuthenticated == true ? "cookie" : null;
}
