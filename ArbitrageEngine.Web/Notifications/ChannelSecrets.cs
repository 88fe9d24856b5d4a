using Microsoft.AspNetCore.DataProtection;

namespace ArbitrageEngine.Web.Notifications;

/// <summary>
/// Encrypts channel secrets (webhook URLs, bot tokens) at rest with ASP.NET Data Protection. Only the protected payload
/// and a short hint are stored; pages never get the secret back.
/// </summary>
public sealed class ChannelSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("ArbitrageEngine.Notifications.ChannelSecret.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string payload) => _protector.Unprotect(payload);

    /// <summary>Enough to recognise a secret without revealing it: its last 4 characters.</summary>
    public static string Hint(string secret) => secret.Length <= 8 ? "••••" : "••••" + secret[^4..];
}
