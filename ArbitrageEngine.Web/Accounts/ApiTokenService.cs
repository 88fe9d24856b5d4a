using System.Security.Cryptography;
using System.Text;
using ArbitrageEngine.Web.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ArbitrageEngine.Web.Accounts;

/// <summary>A token as its owner sees it in the list (never the secret).</summary>
public sealed record ApiTokenView(Guid TokenId, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt,
    DateTimeOffset? ExpiresAt = null, string Scope = ApiTokenClaims.ReadWriteScope);

/// <summary>The owner of a presented token.</summary>
public sealed record ApiTokenOwner(Guid TokenId, string UserId, DateTimeOffset? LastUsedAt, DateTimeOffset? ExpiresAt = null, string Scope = ApiTokenClaims.ReadWriteScope);

/// <summary>
/// Per-user API tokens (account page): created with a random 256-bit secret shown once, stored as a SHA-256 hash,
/// revocable, optionally expiring, read-only or read-write; creation and revocation are audited. Revoking closes the
/// token's live hub connections at once.
/// </summary>
public sealed class ApiTokenService(ArbitrageDbContext db, AuditLog audit, TimeProvider clock, ApiTokenConnections? connections = null)
{
    public const string Prefix = "ae_";
    public const int MaxTokensPerUser = 20;
    public const int MaxExpiryDays = 3650;

    public Task<IReadOnlyList<ApiTokenView>> ListAsync(string userId, CancellationToken ct = default) =>
        QueryAsync(
            "SELECT token_id, name, prefix, created_at, last_used_at, revoked_at, expires_at, scope FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC",
            r => new ApiTokenView(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3),
                r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4), r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5),
                r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6), r.GetString(7)),
            ct,
            userId);

    /// <summary>Creates a token; the returned secret is not stored anywhere and cannot be shown again.</summary>
    public async Task<OperationResult<string>> CreateAsync(string userId, string? name, AuditActor actor, CancellationToken ct = default) =>
        await CreateAsync(userId, name, ApiTokenClaims.ReadWriteScope, null, actor, ct);

    /// <summary>Creates a token with a scope ("read" or "read_write") and an optional lifetime in days.</summary>
    public async Task<OperationResult<string>> CreateAsync(string userId, string? name, string? scope, int? expiresInDays, AuditActor actor, CancellationToken ct = default)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 64 || name.Contains('\0', StringComparison.Ordinal))
        {
            return OperationResult.Fail("name", "Give the token a name of 1 to 64 characters.");
        }

        scope ??= ApiTokenClaims.ReadWriteScope;
        if (!ApiTokenClaims.Scopes.Contains(scope))
        {
            return OperationResult.Fail("scope", "Scope must be read or read_write.");
        }

        if (expiresInDays is < 1 or > MaxExpiryDays)
        {
            return OperationResult.Fail("expires", $"Expiry must be 1 to {MaxExpiryDays} days, or none.");
        }

        var active = await db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM api_tokens WHERE user_id = {userId} AND revoked_at IS NULL").SingleAsync(ct);
        if (active >= MaxTokensPerUser)
        {
            return OperationResult.Fail("name", $"At most {MaxTokensPerUser} active tokens; revoke one first.");
        }

        var secret = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var id = Guid.CreateVersion7();
        var prefix = secret[..(Prefix.Length + 6)];
        var now = clock.GetUtcNow();
        DateTimeOffset? expiresAt = expiresInDays is { } days ? now.AddDays(days) : null;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO api_tokens (token_id, user_id, name, prefix, token_hash, created_at, expires_at, scope)
            VALUES ({id}, {userId}, {name}, {prefix}, {Hash(secret)}, {now}, {expiresAt}, {scope})
            """, ct);
        audit.Add(actor, "api_token.create", "api_token", id.ToString(), after: new { name, prefix, scope, expires_at = expiresAt });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(secret, OperationResult.Ok);
    }

    public async Task<OperationResult> RevokeAsync(string userId, Guid tokenId, AuditActor actor, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.Database.ExecuteSqlAsync(
            $"UPDATE api_tokens SET revoked_at = {clock.GetUtcNow()} WHERE token_id = {tokenId} AND user_id = {userId} AND revoked_at IS NULL", ct);
        if (changed == 0)
        {
            return OperationResult.Fail("", "Token not found or already revoked.");
        }

        audit.Add(actor, "api_token.revoke", "api_token", tokenId.ToString());
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        connections?.Abort(tokenId);
        return OperationResult.Ok;
    }

    /// <summary>
    /// Of the given tokens, those still usable: not revoked, not expired, owner not banned. (There is no hard
    /// lockout any more, so a sign-in attack on the owner does not stop their tokens.)
    /// </summary>
    public async Task<IReadOnlySet<Guid>> StillActiveAsync(IReadOnlyCollection<Guid> tokenIds, CancellationToken ct = default)
    {
        if (tokenIds.Count == 0)
        {
            return new HashSet<Guid>();
        }

        var rows = await QueryAsync(
            """
            SELECT t.token_id FROM api_tokens t JOIN asp_net_users u ON u.id = t.user_id
            WHERE t.token_id = ANY($1) AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) AND NOT u.is_banned
            """,
            r => r.GetGuid(0),
            ct,
            tokenIds.ToArray(),
            clock.GetUtcNow());
        return rows.ToHashSet();
    }

    /// <summary>The owner of an active, unexpired token, or null; marks it used (at most once a minute, to spare writes).</summary>
    public async Task<ApiTokenOwner?> FindOwnerAsync(string presented, CancellationToken ct = default)
    {
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length > 200)
        {
            return null;
        }

        var owner = (await QueryAsync(
            "SELECT token_id, user_id, last_used_at, expires_at, scope FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)",
            r => new ApiTokenOwner(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateTimeOffset>(2),
                r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3), r.GetString(4)),
            ct,
            Hash(presented),
            clock.GetUtcNow())).SingleOrDefault();
        var now = clock.GetUtcNow();
        if (owner is not null && (owner.LastUsedAt is null || now - owner.LastUsedAt > TimeSpan.FromMinutes(1)))
        {
            await db.Database.ExecuteSqlAsync($"UPDATE api_tokens SET last_used_at = {now} WHERE token_id = {owner.TokenId}", ct);
        }

        return owner;
    }

    /// <summary>
    /// Runs a query on the context's connection and closes it again: the authentication handler's scope lives as long
    /// as a hub's WebSocket, so a connection left open here would be held for hours (and 100 clients drain the pool).
    /// </summary>
    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<System.Data.Common.DbDataReader, T> map, CancellationToken ct, params object[] parameters)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = db.Database.GetDbConnection().CreateCommand();
            cmd.CommandText = sql;
            cmd.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            foreach (var value in parameters)
            {
                cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = value });
            }

            var result = new List<T>();
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                result.Add(map(r));
            }

            return result;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    internal static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
