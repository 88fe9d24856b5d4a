using Microsoft.Extensions.Logging;

namespace ArbitrageEngine.Engine.Market.Binance;

/// <summary>Source-generated log messages of the Binance connector.</summary>
internal static partial class BinanceLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Binance {Stream} connected to {Uri} (reconnect: {IsReconnect})")]
    public static partial void Connected(this ILogger logger, string stream, Uri uri, bool isReconnect);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Binance {Stream} connection lost ({Reason}); reconnecting in {DelayMs} ms")]
    public static partial void Reconnecting(this ILogger logger, string stream, string reason, long delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Binance {Stream} silent for {SilenceMs} ms: treated as dead")]
    public static partial void Silent(this ILogger logger, string stream, long silenceMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Binance {Stream} proactive reconnect after {AgeMinutes} min")]
    public static partial void Proactive(this ILogger logger, string stream, long ageMinutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Binance {Stream}: {Count} malformed frame(s) so far; latest: {Sample}")]
    public static partial void Malformed(this ILogger logger, string stream, long count, string sample);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Binance REST {Path}: HTTP {Status}, all REST paused for {RetryAfterMs} ms")]
    public static partial void RateLimited(this ILogger logger, string path, int status, long retryAfterMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Binance REST {Path} failed (attempt {Attempt}): {Error}")]
    public static partial void RestFailed(this ILogger logger, string path, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Binance {Symbol}: gap after agg_id {LastAggId} (next seen {NextAggId}); filling from REST")]
    public static partial void GapDetected(this ILogger logger, string symbol, long lastAggId, long nextAggId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Binance {Symbol}: gap filled with {Count} trade(s) from REST, last agg_id {LastAggId}")]
    public static partial void GapFilled(this ILogger logger, string symbol, long count, long lastAggId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Binance {Symbol}: permanent gap after agg_id {LastAggId} ({Reason}); resuming at the live stream")]
    public static partial void PermanentGap(this ILogger logger, string symbol, long lastAggId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Binance poll {What} for {Symbol} failed: {Error}")]
    public static partial void PollFailed(this ILogger logger, string what, string symbol, string error);
}
