using System.ComponentModel.DataAnnotations;

namespace ArbitrageEngine.Web.Notifications;

/// <summary>The "Notifications" configuration section: delivery behaviour (channels themselves are configured in the app).</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>Attempts per message (first try included) on 5xx, 429, timeouts and network errors.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 4;

    /// <summary>First retry delay; doubled per attempt (1 s, 2 s, 4 s …), or the server's Retry-After when longer.</summary>
    [Range(1, 600_000)]
    public int RetryBaseDelayMs { get; set; } = 1000;

    /// <summary>Timeout of one HTTP request.</summary>
    [Range(100, 120_000)]
    public int RequestTimeoutMs { get; set; } = 10_000;

    /// <summary>The window of the per-channel rate limit (a channel's "max per minute" applies per this many seconds).</summary>
    [Range(1, 3600)]
    public int RateWindowSeconds { get; set; } = 60;

    /// <summary>Messages waiting per channel; beyond it the oldest are dropped (counted).</summary>
    [Range(10, 100_000)]
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>Telegram Bot API base URL (tests point it at a local receiver).</summary>
    [Required]
    public Uri TelegramApiBaseUrl { get; set; } = new("https://api.telegram.org/");

    /// <summary>A stream counts as faulted after this long without delivering.</summary>
    [Range(5, 3600)]
    public int CollectorFaultAfterSeconds { get; set; } = 60;
}
