using System.Net;
using System.Threading.Channels;

namespace ArbitrageEngine.Web.Notifications;

/// <summary>Where a worker records the final outcome of each delivery.</summary>
public interface IDeliveryLog
{
    Task AddAsync(DeliveryRecord record, CancellationToken cancellationToken);
}

/// <summary>
/// Delivers one channel's messages in order on its own task, so a slow or failing channel never holds up another or the
/// engine. Rate limit: at most <see cref="ChannelConfig.MaxPerMinute"/> requests per window; while the limit holds,
/// messages wait, and everything waiting when a slot opens goes out as one summary (a burst is coalesced). Each request
/// has a timeout; 5xx, 429 (Retry-After honoured), timeouts and network errors are retried with exponential back-off;
/// other 4xx fail at once. The outcome goes to the delivery log. The secret (webhook URL or bot token) is never logged
/// and is scrubbed from recorded errors.
/// </summary>
public sealed partial class ChannelWorker : IAsyncDisposable
{
    private readonly ChannelConfig _channel;
    private readonly HttpClient _http;
    private readonly NotificationOptions _options;
    private readonly IDeliveryLog _log;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Channel<Notification> _queue;
    private readonly Queue<long> _sent = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;
    private long _dropped;

    public ChannelWorker(ChannelConfig channel, HttpClient http, NotificationOptions options, IDeliveryLog log, TimeProvider clock, ILogger logger)
    {
        _channel = channel;
        _http = http;
        _options = options;
        _log = log;
        _clock = clock;
        _logger = logger;
        _queue = System.Threading.Channels.Channel.CreateBounded<Notification>(
            new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest },
            _ => Interlocked.Increment(ref _dropped));
    }

    public ChannelConfig Channel => _channel;

    public int Pending => _queue.Reader.Count;

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Never waits: a full queue drops its oldest message.</summary>
    public void Enqueue(Notification n) => _queue.Writer.TryWrite(n);

    public void Start() => _run ??= Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(ct))
            {
                await WaitForSlotAsync(ct);
                var burst = new List<Notification>();
                while (_queue.Reader.TryRead(out var n))
                {
                    burst.Add(n);
                }

                if (burst.Count == 0)
                {
                    continue;
                }

                var message = burst.Count == 1 ? burst[0] : NotificationTexts.Summary(burst, _clock.GetUtcNow().ToUnixTimeMilliseconds());
                _sent.Enqueue(_clock.GetUtcNow().ToUnixTimeMilliseconds());
                try
                {
                    await DeliverAsync(message, burst.Count, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogWorkerError(_logger, _channel.Name, ex.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Waits until fewer than MaxPerMinute requests were made in the last window.</summary>
    private async Task WaitForSlotAsync(CancellationToken ct)
    {
        var windowMs = _options.RateWindowSeconds * 1000L;
        while (true)
        {
            var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
            while (_sent.Count > 0 && _sent.Peek() <= now - windowMs)
            {
                _sent.Dequeue();
            }

            if (_sent.Count < _channel.MaxPerMinute)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(_sent.Peek() + windowMs - now), _clock, ct);
        }
    }

    private async Task DeliverAsync(Notification message, int coalesced, CancellationToken ct)
    {
        var created = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        int? status = null;
        string? error = null;
        var attempt = 0;
        var delivered = false;
        while (attempt < _options.MaxAttempts && !delivered)
        {
            attempt++;
            TimeSpan? retryAfter = null;
            var retry = false;
            HttpRequestMessage request;
            try
            {
#pragma warning disable CA2000 // disposed by the using below, once the build cannot fail any more
                request = ChannelFormatter.Build(_channel, message, _options.TelegramApiBaseUrl);
#pragma warning restore CA2000
            }
            catch (Exception ex) when (ex is UriFormatException or ArgumentException or InvalidOperationException)
            {
                // A stored secret that does not make a request (e.g. a malformed URL): fails without retry, reason recorded.
                error = "invalid channel settings: " + ex.GetType().Name;
                break;
            }

            using var disposeRequest = request;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.RequestTimeoutMs);
            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    delivered = true;
                    error = null;
                    break;
                }

                error = $"HTTP {status} {response.ReasonPhrase}";
                retry = status >= 500 || status == (int)HttpStatusCode.TooManyRequests;
                retryAfter = response.Headers.RetryAfter?.Delta;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                status = null;
                error = $"timeout after {_options.RequestTimeoutMs} ms";
                retry = true;
            }
            catch (HttpRequestException ex)
            {
                status = null;
                error = "network error: " + (ex.HttpRequestError == HttpRequestError.Unknown ? ex.GetType().Name : ex.HttpRequestError.ToString());
                retry = true;
            }

            LogAttemptFailed(_logger, _channel.Name, attempt, _options.MaxAttempts, Scrub(error));
            if (!retry || attempt >= _options.MaxAttempts)
            {
                break;
            }

            var backoff = TimeSpan.FromMilliseconds(_options.RetryBaseDelayMs * Math.Pow(2, attempt - 1));
            await Task.Delay(retryAfter is { } ra && ra > backoff ? ra : backoff, _clock, ct);
        }

        if (delivered)
        {
            LogDelivered(_logger, _channel.Name, message.Kind.Name(), attempt);
        }
        else
        {
            LogFailed(_logger, _channel.Name, message.Kind.Name(), attempt, Scrub(error));
        }

        await _log.AddAsync(new DeliveryRecord(0, _channel.Id, _channel.Name, message.Kind, message.Title, delivered, attempt, status, Scrub(error), coalesced, created,
            _clock.GetUtcNow().ToUnixTimeMilliseconds()), ct);
    }

    /// <summary>Removes the secret from anything recorded (an exception text could echo a URL).</summary>
    private string? Scrub(string? text) =>
        text is null || _channel.Secret.Length == 0 ? text : text.Replace(_channel.Secret, "[secret]", StringComparison.Ordinal);

    // Idempotent: a worker replaced by a channel edit can still be in the dispatcher's list when the host stops.
    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Kind} delivered on channel {Channel} (attempt {Attempt})")]
    private static partial void LogDelivered(ILogger logger, string channel, string kind, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification attempt {Attempt}/{Max} on channel {Channel} failed: {Reason}")]
    private static partial void LogAttemptFailed(ILogger logger, string channel, int attempt, int max, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification {Kind} on channel {Channel} failed after {Attempts} attempts: {Reason}")]
    private static partial void LogFailed(ILogger logger, string channel, string kind, int attempts, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification worker of channel {Channel} failed: {Error}")]
    private static partial void LogWorkerError(ILogger logger, string channel, string error);
}
