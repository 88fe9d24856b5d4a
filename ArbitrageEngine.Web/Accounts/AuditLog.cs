using System.Text.Json;
using ArbitrageEngine.Web.Persistence;
using ArbitrageEngine.Web.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace ArbitrageEngine.Web.Accounts;

/// <summary>Writes to and reads the append-only <c>audit_log</c>.</summary>
public sealed class AuditLog(ArbitrageDbContext db)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Stages an entry; it is saved with the caller's next SaveChanges (same transaction).</summary>
    public AuditLogEntry Add(AuditActor actor, string action, string targetType, string? targetId, object? before = null, object? after = null)
    {
        var entry = new AuditLogEntry
        {
            Actor = actor.UserName,
            ActorId = actor.UserId,
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
            At = DateTimeOffset.UtcNow,
            Ip = actor.Ip,
            Via = actor.Via,
        };
        db.AuditLog.Add(entry);
        return entry;
    }

    public async Task WriteAsync(AuditActor actor, string action, string targetType, string? targetId, object? before = null, object? after = null, CancellationToken cancellationToken = default)
    {
        Add(actor, action, targetType, targetId, before, after);
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task<List<AuditLogEntry>> RecentAsync(int take = 100, string? targetType = null, string? targetId = null, CancellationToken cancellationToken = default)
    {
        var query = db.AuditLog.AsNoTracking();
        if (targetType is not null)
        {
            query = query.Where(e => e.TargetType == targetType);
        }

        if (targetId is not null)
        {
            query = query.Where(e => e.TargetId == targetId);
        }

        return query.OrderByDescending(e => e.Id).Take(take).ToListAsync(cancellationToken);
    }
}
