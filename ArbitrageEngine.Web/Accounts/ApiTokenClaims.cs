using System.Security.Claims;

namespace ArbitrageEngine.Web.Accounts;

/// <summary>Claims a token-authenticated principal carries, and what a token may do.</summary>
public static class ApiTokenClaims
{
    public const string TokenId = "ae:token_id";
    public const string Scope = "ae:token_scope";

    public const string ReadScope = "read";
    public const string ReadWriteScope = "read_write";

    public static IReadOnlyList<string> Scopes { get; } = [ReadScope, ReadWriteScope];

    public static Guid? TokenIdOf(ClaimsPrincipal user) => Guid.TryParse(user.FindFirstValue(TokenId), out var id) ? id : null;

    public static bool IsReadOnly(ClaimsPrincipal user) => user.FindFirstValue(Scope) == ReadScope;

    /// <summary>Only these paths accept a token; pages, /_blazor and account pages take the cookie only.</summary>
    public static bool IsTokenPath(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/openapi");
}
