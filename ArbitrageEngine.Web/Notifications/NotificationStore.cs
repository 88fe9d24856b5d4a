using ArbitrageEngine.Web.Hosting.Market;
using Npgsql;
using NpgsqlTypes;

namespace ArbitrageEngine.Web.Notifications;

/// <summary>Channels, subscriptions and the delivery log (Npgsql on the app's data source).</summary>
public sealed class NotificationStore(MarketDatabase database, ChannelSecrets secrets) : IDeliveryLog
{
    private const string ChannelColumns = "id, name, kind, target, secret_hint, max_per_minute, enabled, created_by, created_at";

    public async Task<List<ChannelView>> ChannelsAsync(CancellationToken ct = default)
    {
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand($"SELECT {ChannelColumns} FROM notification_channels ORDER BY name");
        var result = new List<ChannelView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result.Add(new ChannelView(r.GetInt64(0), r.GetString(1), NotificationNames.ParseChannel(r.GetString(2)), r.GetString(3), r.GetString(4), r.GetInt32(5), r.GetBoolean(6), r.GetString(7), r.GetFieldValue<DateTimeOffset>(8)));
        }

        return result;
    }

    /// <summary>The channel with its secret decrypted, for sending only.</summary>
    public async Task<ChannelConfig?> ConfigAsync(long id, CancellationToken ct = default)
    {
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand("SELECT id, name, kind, target, secret_protected, max_per_minute, enabled FROM notification_channels WHERE id = @id");
        cmd.Parameters.AddWithValue("id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct)
            ? new ChannelConfig(r.GetInt64(0), r.GetString(1), NotificationNames.ParseChannel(r.GetString(2)), r.GetString(3), secrets.Unprotect(r.GetString(4)), r.GetInt32(5), r.GetBoolean(6))
            : null;
    }

    public async Task<bool> NameTakenAsync(string name, long? exceptId, CancellationToken ct = default)
    {
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand("SELECT EXISTS (SELECT 1 FROM notification_channels WHERE lower(name) = lower(@name) AND id <> @id)");
        cmd.Parameters.AddWithValue("name", name);
        cmd.Parameters.AddWithValue("id", exceptId ?? -1);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<long> AddChannelAsync(string name, ChannelKind kind, string target, string secret, int maxPerMinute, string createdBy, CancellationToken ct = default)
    {
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand(
            """
            INSERT INTO notification_channels (name, kind, target, secret_protected, secret_hint, max_per_minute, created_by)
            VALUES (@name, @kind, @target, @secret, @hint, @max, @by) RETURNING id
            """);
        cmd.Parameters.AddWithValue("name", name);
        cmd.Parameters.AddWithValue("kind", kind.Name());
        cmd.Parameters.AddWithValue("target", target);
        cmd.Parameters.AddWithValue("secret", secrets.Protect(secret));
        cmd.Parameters.AddWithValue("hint", ChannelSecrets.Hint(secret));
        cmd.Parameters.AddWithValue("max", maxPerMinute);
        cmd.Parameters.AddWithValue("by", createdBy);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Updates settings; a null <paramref name="newSecret"/> keeps the stored one.</summary>
    public async Task UpdateChannelAsync(long id, string name, string target, string? newSecret, int maxPerMinute, bool enabled, CancellationToken ct = default)
    {
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand(
            """
            UPDATE notification_channels SET name = @name, target = @target, max_per_minute = @max, enabled = @enabled,
                secret_protected = coalesce(@secret, secret_protected), secret_hint = coalesce(@hint, secret_hint)
            WHERE id = @id
            """);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("name", name);
        cmd.Parameters.AddWithValue("target", target);
        cmd.Parameters.AddWithValue("max", maxPerMinute);
        cmd.Parameters.AddWithValue("enabled", enabled);
        cmd.Parameters.Add(new NpgsqlParameter("secret", NpgsqlDbType.Text) { Value = newSecret is null ? DBNull.Value : secrets.Protect(newSecret) });
        cmd.Parameters.Add(new NpgsqlParameter("hint", NpgsqlDbType.Text) { Value = newSecret is null ? DBNull.Value : ChannelSecrets.Hint(newSecret) });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task DeleteChannelAsync(long id, CancellationToken ct = default)
    {
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand("DELETE FROM notification_channels WHERE id = @id");
        cmd.Parameters.AddWithValue("id", id);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<List<SubscriptionRow>> SubscriptionsAsync(string userId, CancellationToken ct = default)
    {
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand("SELECT channel_id, kind, strategy_ids FROM notification_subscriptions WHERE user_id = @user");
        cmd.Parameters.AddWithValue("user", userId);
        var result = new List<SubscriptionRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result.Add(new SubscriptionRow(r.GetInt64(0), NotificationNames.ParseKind(r.GetString(1)), r.IsDBNull(2) ? null : r.GetFieldValue<Guid[]>(2)));
        }

        return result;
    }

    /// <summary>Replaces the user's subscriptions with <paramref name="rows"/> (one transaction).</summary>
    public async Task SaveSubscriptionsAsync(string userId, IReadOnlyList<SubscriptionRow> rows, CancellationToken ct = default)
    {
        await using var conn = await (await database.DataSourceAsync(ct)).OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var delete = new NpgsqlCommand("DELETE FROM notification_subscriptions WHERE user_id = @user", conn, tx))
        {
            delete.Parameters.AddWithValue("user", userId);
            await delete.ExecuteNonQueryAsync(ct);
        }

        foreach (var row in rows)
        {
            await using var insert = new NpgsqlCommand("INSERT INTO notification_subscriptions (user_id, channel_id, kind, strategy_ids) VALUES (@user, @channel, @kind, @ids)", conn, tx);
            insert.Parameters.AddWithValue("user", userId);
            insert.Parameters.AddWithValue("channel", row.ChannelId);
            insert.Parameters.AddWithValue("kind", row.Kind.Name());
            insert.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = row.StrategyIds is { Count: > 0 } ids ? ids.ToArray() : DBNull.Value });
            await insert.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }

    /// <summary>Every subscription on an enabled channel, for routing (kind, channel, strategy filter).</summary>
    /// <summary>Subscriptions of enabled channels with the subscriber's stored language (null = never chosen).</summary>
    public async Task<List<(NotificationKind Kind, long ChannelId, Guid[]? StrategyIds, string? Language)>> RoutesAsync(CancellationToken ct = default)
    {
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand(
            """
            SELECT s.kind, s.channel_id, s.strategy_ids, p.language
            FROM notification_subscriptions s JOIN notification_channels c ON c.id = s.channel_id
            LEFT JOIN user_preferences p ON p.user_id = s.user_id
            WHERE c.enabled
            """);
        var result = new List<(NotificationKind, long, Guid[]?, string?)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result.Add((NotificationNames.ParseKind(r.GetString(0)), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetFieldValue<Guid[]>(2), r.IsDBNull(3) ? null : r.GetString(3)));
        }

        return result;
    }

    public async Task AddAsync(DeliveryRecord d, CancellationToken cancellationToken)
    {
        await using var cmd = (await database.DataSourceAsync(cancellationToken)).CreateCommand(
            """
            INSERT INTO notification_deliveries (channel_id, kind, title, status, attempts, http_status, error, coalesced, created_ms, finished_ms)
            SELECT @channel, @kind, @title, @status, @attempts, @http, @error, @coalesced, @created, @finished
            WHERE EXISTS (SELECT 1 FROM notification_channels WHERE id = @channel)
            """);
        cmd.Parameters.AddWithValue("channel", d.ChannelId);
        cmd.Parameters.AddWithValue("kind", d.Kind.Name());
        cmd.Parameters.AddWithValue("title", d.Title);
        cmd.Parameters.AddWithValue("status", d.Delivered ? "delivered" : "failed");
        cmd.Parameters.AddWithValue("attempts", d.Attempts);
        cmd.Parameters.Add(new NpgsqlParameter("http", NpgsqlDbType.Integer) { Value = (object?)d.HttpStatus ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)d.Error ?? DBNull.Value });
        cmd.Parameters.AddWithValue("coalesced", d.Coalesced);
        cmd.Parameters.AddWithValue("created", d.CreatedMs);
        cmd.Parameters.AddWithValue("finished", d.FinishedMs);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<List<DeliveryRecord>> DeliveriesAsync(long? channelId, int limit, CancellationToken ct = default)
    {
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand(
            """
            SELECT d.id, d.channel_id, c.name, d.kind, d.title, d.status = 'delivered', d.attempts, d.http_status, d.error, d.coalesced, d.created_ms, d.finished_ms
            FROM notification_deliveries d JOIN notification_channels c ON c.id = d.channel_id
            WHERE @channel::bigint IS NULL OR d.channel_id = @channel
            ORDER BY d.id DESC LIMIT @limit
            """);
        cmd.Parameters.Add(new NpgsqlParameter("channel", NpgsqlDbType.Bigint) { Value = (object?)channelId ?? DBNull.Value });
        cmd.Parameters.AddWithValue("limit", limit);
        var result = new List<DeliveryRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result.Add(new DeliveryRecord(r.GetInt64(0), r.GetInt64(1), r.GetString(2), NotificationNames.ParseKind(r.GetString(3)), r.GetString(4), r.GetBoolean(5), r.GetInt32(6),
                r.IsDBNull(7) ? null : r.GetInt32(7), r.IsDBNull(8) ? null : r.GetString(8), r.GetInt32(9), r.GetInt64(10), r.GetInt64(11)));
        }

        return result;
    }

    /// <summary>Strategy names by id, for message texts and the subscription page.</summary>
    public async Task<Dictionary<Guid, string>> StrategyNamesAsync(CancellationToken ct = default)
    {
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand("SELECT strategy_id, display_name FROM strategies");
        var result = new Dictionary<Guid, string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result[r.GetGuid(0)] = r.GetString(1);
        }

        return result;
    }
}
