using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using ArbitrageEngine.Web.Persistence;
using ArbitrageEngine.Web.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace ArbitrageEngine.Web.Accounts;

public enum InviteStatus
{
    Active,
    Disabled,
    Expired,
    Exhausted,
}

public sealed class GenerateInvitesRequest
{
    [Range(1, 100, ErrorMessage = "Count must be between 1 and 100.")]
    public int Count { get; set; } = 1;

    [Range(1, 1000, ErrorMessage = "Max uses must be between 1 and 1000.")]
    public int MaxUses { get; set; } = 1;

    /// <summary>Days until expiry; null = never expires.</summary>
    [Range(1, 3650, ErrorMessage = "Expiry must be between 1 and 3650 days, or empty for never.")]
    public int? ExpiresInDays { get; set; }
}

public sealed record InviteView(
    Guid Id,
    string Code,
    int MaxUses,
    int Uses,
    InviteStatus Status,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt,
    string? CreatedBy,
    IReadOnlyList<string> UsedBy);

/// <summary>Generates, lists and disables invite codes; every change is audited.</summary>
public sealed class InviteService(ArbitrageDbContext db, AuditLog audit, TimeProvider clock)
{
    private const string Alphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789";

    public static string NewCode()
    {
        var raw = RandomNumberGenerator.GetString(Alphabet, 12);
        return $"{raw[..4]}-{raw[4..8]}-{raw[8..]}";
    }

    /// <summary>Canonical form of user-typed codes (trimmed, upper case).</summary>
    public static string Normalize(string? code) => (code ?? "").Trim().ToUpperInvariant();

    public static InviteStatus StatusOf(InviteCode code, DateTimeOffset now) =>
        !code.Active ? InviteStatus.Disabled
        : code.ExpiresAt is { } expires && expires <= now ? InviteStatus.Expired
        : code.Uses >= code.MaxUses ? InviteStatus.Exhausted
        : InviteStatus.Active;

    public async Task<OperationResult<IReadOnlyList<string>>> GenerateAsync(GenerateInvitesRequest request, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var validation = OperationResult.Validate(request);
        if (!validation.Succeeded)
        {
            return validation;
        }

        var now = clock.GetUtcNow();
        var codes = new List<InviteCode>();
        for (var i = 0; i < request.Count; i++)
        {
            var code = new InviteCode
            {
                Code = NewCode(),
                MaxUses = request.MaxUses,
                ExpiresAt = request.ExpiresInDays is { } days ? now.AddDays(days) : null,
                CreatedAt = now,
                CreatedBy = actor.UserName,
            };
            codes.Add(code);
            db.InviteCodes.Add(code);
            audit.Add(actor, "invite.create", "invite", code.Id.ToString(), null, Snapshot(code));
        }

        await db.SaveChangesAsync(cancellationToken);
        return new OperationResult<IReadOnlyList<string>>(codes.Select(c => c.Code).ToList(), OperationResult.Ok);
    }

    public async Task<IReadOnlyList<InviteView>> ListAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var rows = await db.InviteCodes.AsNoTracking()
            .Include(c => c.UseRecords)
            .OrderByDescending(c => c.CreatedAt)
            .ToListAsync(cancellationToken);
        return rows.Select(c => new InviteView(c.Id, c.Code, c.MaxUses, c.Uses, StatusOf(c, now), c.ExpiresAt, c.CreatedAt, c.CreatedBy,
            c.UseRecords.OrderBy(u => u.UsedAt).Select(u => u.UserName).ToList())).ToList();
    }

    /// <summary>The status of a code as typed by a user, or null when no such code exists.</summary>
    public async Task<InviteStatus?> CheckAsync(string code, CancellationToken cancellationToken = default)
    {
        var normalized = Normalize(code);
        var row = await db.InviteCodes.AsNoTracking().FirstOrDefaultAsync(c => c.Code == normalized, cancellationToken);
        return row is null ? null : StatusOf(row, clock.GetUtcNow());
    }

    public async Task<OperationResult> DisableAsync(Guid id, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var code = await db.InviteCodes.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (code is null)
        {
            return OperationResult.Fail("", "Invite code not found.");
        }

        if (!code.Active)
        {
            return OperationResult.Fail("", "Invite code is already disabled.");
        }

        var before = Snapshot(code);
        code.Active = false;
        code.DisabledAt = clock.GetUtcNow();
        audit.Add(actor, "invite.disable", "invite", code.Id.ToString(), before, Snapshot(code));
        await db.SaveChangesAsync(cancellationToken);
        return OperationResult.Ok;
    }

    private static object Snapshot(InviteCode c) => new { c.Code, c.MaxUses, c.Uses, c.Active, c.ExpiresAt };
}
