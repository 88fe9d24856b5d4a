using System.ComponentModel.DataAnnotations;

namespace ArbitrageEngine.Web.Accounts;

/// <summary>Account and security settings (section "Accounts"). Defaults are the product's; tests shorten the intervals.</summary>
public sealed class AccountsOptions
{
    public const string SectionName = "Accounts";

    /// <summary>Admins must use two-factor sign-in; enforced once any admin has enrolled (so a new install is not locked out).</summary>
    public bool RequireAdminTwoFactor { get; set; } = true;

    /// <summary>How often live hub connections opened with an API token re-check the token and its user.</summary>
    [Range(1, 3600)]
    public int TokenRecheckSeconds { get; set; } = 60;

    /// <summary>Sign-in, register and change-password posts allowed per client address per minute.</summary>
    [Range(1, 10_000)]
    public int AttemptsPerAddressPerMinute { get; set; } = 5;

    /// <summary>Sign-in and change-password posts allowed per account name per 15 minutes (from all addresses together).</summary>
    [Range(1, 10_000)]
    public int AttemptsPerAccountPer15Minutes { get; set; } = 30;

    /// <summary>Consecutive failures of one account name after which each attempt is delayed (1 s, 2 s, 4 s … up to 30 s).</summary>
    [Range(1, 1000)]
    public int FailuresBeforeDelay { get; set; } = 5;

    /// <summary>Strategies one user may create (counted from the audit log of creations, deprecated ones included).</summary>
    [Range(1, 100_000)]
    public int MaxStrategiesPerUser { get; set; } = 1000;

    /// <summary>Largest request body accepted on /api, in bytes.</summary>
    [Range(1024, 100_000_000)]
    public int MaxApiBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Groups one hub connection may be in at once.</summary>
    [Range(1, 100_000)]
    public int MaxHubGroupsPerConnection { get; set; } = 100;

    /// <summary>Proxies (IP addresses) whose X-Forwarded-For/-Proto headers are trusted; empty = none.</summary>
    public List<string> KnownProxies { get; set; } = [];
}
