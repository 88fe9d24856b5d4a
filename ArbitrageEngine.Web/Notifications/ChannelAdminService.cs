using ArbitrageEngine.Web.Accounts;

namespace ArbitrageEngine.Web.Notifications;

/// <summary>What the admin form submits. <see cref="Secret"/> empty on an edit keeps the stored secret.</summary>
public sealed class ChannelForm
{
    public string Name { get; set; } = "";
    public ChannelKind Kind { get; set; } = ChannelKind.Webhook;
    public string Secret { get; set; } = "";
    public string ChatId { get; set; } = "";
    public int MaxPerMinute { get; set; } = 10;
    public bool Enabled { get; set; } = true;
}

/// <summary>
/// Admin operations on channels with per-field validation (nothing changes on an error) and the audit log (never the
/// secret: only that it was set or replaced).
/// </summary>
public sealed class ChannelAdminService(NotificationStore store, NotificationDispatcher dispatcher, AuditLog audit)
{
    /// <summary>Validates <paramref name="form"/>; returns errors per field (empty = valid).</summary>
    public async Task<Dictionary<string, string>> ValidateAsync(ChannelForm form, long? id, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var name = form.Name.Trim();
        if (name.Length is 0 or > 60)
        {
            errors[nameof(ChannelForm.Name)] = "A name of 1 to 60 characters is required.";
        }
        else if (await store.NameTakenAsync(name, id, ct))
        {
            errors[nameof(ChannelForm.Name)] = "Another channel already has this name.";
        }

        var secret = form.Secret.Trim();
        if (secret.Length == 0)
        {
            if (id is null)
            {
                errors[nameof(ChannelForm.Secret)] = NotificationTexts.SecretLabel(form.Kind, System.Globalization.CultureInfo.InvariantCulture) + " is required.";
            }
        }
        else if (form.Kind == ChannelKind.Telegram)
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(secret, @"^\d{3,}:[A-Za-z0-9_-]{20,}$"))
            {
                errors[nameof(ChannelForm.Secret)] = "A Telegram bot token looks like 123456789:AA… (digits, a colon, then at least 20 letters, digits, _ or -).";
            }
        }
        else if (!Uri.TryCreate(secret, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            errors[nameof(ChannelForm.Secret)] = NotificationTexts.SecretLabel(form.Kind, System.Globalization.CultureInfo.InvariantCulture) + " must be an absolute http(s) URL.";
        }

        if (form.Kind == ChannelKind.Telegram && !System.Text.RegularExpressions.Regex.IsMatch(form.ChatId.Trim(), @"^(-?\d+|@[A-Za-z0-9_]{5,})$"))
        {
            errors[nameof(ChannelForm.ChatId)] = "A chat id is a number (e.g. -1001234567890) or @channelname.";
        }

        if (form.MaxPerMinute is < 1 or > 600)
        {
            errors[nameof(ChannelForm.MaxPerMinute)] = "Between 1 and 600 messages per minute.";
        }

        return errors;
    }

    public async Task<(long? Id, Dictionary<string, string> Errors)> CreateAsync(ChannelForm form, AuditActor actor, CancellationToken ct = default)
    {
        var errors = await ValidateAsync(form, null, ct);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var id = await store.AddChannelAsync(form.Name.Trim(), form.Kind, form.Kind == ChannelKind.Telegram ? form.ChatId.Trim() : "", form.Secret.Trim(), form.MaxPerMinute, actor.UserName, ct);
        await audit.WriteAsync(actor, "notification_channel.create", "notification_channel", id.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
            new { name = form.Name.Trim(), kind = form.Kind.Name(), max_per_minute = form.MaxPerMinute, secret = "set" }, ct);
        await dispatcher.InvalidateAsync(id);
        return (id, errors);
    }

    public async Task<Dictionary<string, string>> UpdateAsync(long id, ChannelForm form, AuditActor actor, CancellationToken ct = default)
    {
        var errors = await ValidateAsync(form, id, ct);
        if (errors.Count > 0)
        {
            return errors;
        }

        var replaced = form.Secret.Trim().Length > 0;
        await store.UpdateChannelAsync(id, form.Name.Trim(), form.Kind == ChannelKind.Telegram ? form.ChatId.Trim() : "", replaced ? form.Secret.Trim() : null, form.MaxPerMinute, form.Enabled, ct);
        await audit.WriteAsync(actor, "notification_channel.update", "notification_channel", id.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
            new { name = form.Name.Trim(), max_per_minute = form.MaxPerMinute, enabled = form.Enabled, secret = replaced ? "replaced" : "kept" }, ct);
        await dispatcher.InvalidateAsync(id);
        return errors;
    }

    public async Task DeleteAsync(long id, AuditActor actor, CancellationToken ct = default)
    {
        await store.DeleteChannelAsync(id, ct);
        await audit.WriteAsync(actor, "notification_channel.delete", "notification_channel", id.ToString(System.Globalization.CultureInfo.InvariantCulture), null, null, ct);
        await dispatcher.InvalidateAsync(id);
    }
}
