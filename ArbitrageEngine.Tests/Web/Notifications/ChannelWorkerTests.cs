using System.Collections.Concurrent;
using System.Text.Json;
using ArbitrageEngine.Tests.Fakes;
using ArbitrageEngine.Web.Notifications;
using Microsoft.Extensions.Logging;

namespace ArbitrageEngine.Tests.Web.Notifications;

public sealed class ChannelWorkerTests : IAsyncLifetime
{
    private const string BotToken = "123456789:AAF-secret_token_value_xyz";
    private readonly CapturingLogger _logger = new();
    private readonly List<DeliveryRecord> _log = [];
    private readonly List<ChannelWorker> _workers = [];
    private FakeHttpReceiver _receiver = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _receiver = await FakeHttpReceiver.StartAsync();
        _http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task DisposeAsync()
    {
        foreach (var w in _workers)
        {
            await w.DisposeAsync();
        }

        _http.Dispose();
        await _receiver.DisposeAsync();
    }

    private static NotificationOptions Options(FakeHttpReceiver receiver) => new()
    {
        MaxAttempts = 3,
        RetryBaseDelayMs = 100,
        RequestTimeoutMs = 500,
        RateWindowSeconds = 60,
        TelegramApiBaseUrl = new Uri(receiver.BaseUrl + "/telegram/"),
    };

    private ChannelWorker Worker(ChannelKind kind, string secret, int maxPerMinute = 60, NotificationOptions? options = null, string target = "")
    {
        var worker = new ChannelWorker(new ChannelConfig(1, "test-" + kind.Name(), kind, target, secret, maxPerMinute, true), _http, options ?? Options(_receiver),
            new ListLog(_log), TimeProvider.System, _logger);
        _workers.Add(worker);
        worker.Start();
        return worker;
    }

    [Fact]
    public async Task DisposeAsync_Twice_SecondIsANoOp()
    {
        var worker = Worker(ChannelKind.Webhook, _receiver.BaseUrl + "/hook");

        await worker.DisposeAsync();
        await worker.DisposeAsync(); // the dispatcher's stop can meet a worker a channel edit already disposed
    }

    private static Notification Message(string title = "Opened LONG BTCUSDT: trend-1") =>
        new(NotificationKind.PositionOpened, title, "trend-1 opened a LONG position on BTCUSDT at 65000.", 1_790_000_000_000, Guid.Empty, new Dictionary<string, string> { ["symbol"] = "BTCUSDT" });

    private async Task<DeliveryRecord> NextDeliveryAsync(int count = 1, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            lock (_log)
            {
                if (_log.Count >= count)
                {
                    return _log[count - 1];
                }
            }

            Assert.True(DateTime.UtcNow < deadline, "no delivery recorded in time");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Deliver_Discord_PostsContentToWebhookUrl()
    {
        Worker(ChannelKind.Discord, _receiver.BaseUrl + "/api/webhooks/42/discord-secret").Enqueue(Message());

        var record = await NextDeliveryAsync();

        Assert.True(record.Delivered);
        var request = Assert.Single(_receiver.Requests);
        Assert.Equal("/api/webhooks/42/discord-secret", request.Path);
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("**Opened LONG BTCUSDT: trend-1**\ntrend-1 opened a LONG position on BTCUSDT at 65000.", json.RootElement.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Deliver_Telegram_SendMessageWithChatIdAndText()
    {
        Worker(ChannelKind.Telegram, BotToken, target: "-1001234567890").Enqueue(Message());

        await NextDeliveryAsync();

        var request = Assert.Single(_receiver.Requests);
        Assert.Equal($"/telegram/bot{BotToken}/sendMessage", request.Path);
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("-1001234567890", json.RootElement.GetProperty("chat_id").GetString());
        Assert.StartsWith("Opened LONG BTCUSDT: trend-1\n", json.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_Webhook_JsonWithKindTitleTextTimeAndFields()
    {
        Worker(ChannelKind.Webhook, _receiver.BaseUrl + "/hook").Enqueue(Message());

        await NextDeliveryAsync();

        using var json = JsonDocument.Parse(Assert.Single(_receiver.Requests).Body);
        var root = json.RootElement;
        Assert.Equal("position_opened", root.GetProperty("kind").GetString());
        Assert.Equal("Opened LONG BTCUSDT: trend-1", root.GetProperty("title").GetString());
        Assert.Equal(1_790_000_000_000, root.GetProperty("time_ms").GetInt64());
        Assert.Equal("BTCUSDT", root.GetProperty("fields").GetProperty("symbol").GetString());
    }

    [Fact]
    public async Task Deliver_ServerErrorsThenOk_RetriedWithBackoffAndDelivered()
    {
        _receiver.Statuses.Enqueue(500);
        _receiver.Statuses.Enqueue(503);
        Worker(ChannelKind.Webhook, _receiver.BaseUrl + "/hook").Enqueue(Message());

        var record = await NextDeliveryAsync();

        Assert.True(record.Delivered);
        Assert.Equal((3, 200), (record.Attempts, record.HttpStatus!.Value));
        var at = _receiver.Requests.Select(r => r.At).ToArray();
        Assert.True(at[1] - at[0] >= TimeSpan.FromMilliseconds(90), "first retry waits the base delay");
        Assert.True(at[2] - at[1] >= TimeSpan.FromMilliseconds(190), "second retry waits twice as long");
    }

    [Fact]
    public async Task Deliver_ClientError400_FailsAtOnceWithReason()
    {
        _receiver.Statuses.Enqueue(400);
        Worker(ChannelKind.Webhook, _receiver.BaseUrl + "/hook").Enqueue(Message());

        var record = await NextDeliveryAsync();

        Assert.False(record.Delivered);
        Assert.Equal((1, 400), (record.Attempts, record.HttpStatus!.Value));
        Assert.Contains("HTTP 400", record.Error, StringComparison.Ordinal);
        Assert.Single(_receiver.Requests);
    }

    [Fact]
    public async Task Deliver_ReceiverTooSlow_TimeoutRetriedThenFailedWhileOtherChannelDelivers()
    {
        await using var slow = await FakeHttpReceiver.StartAsync();
        slow.Delay = TimeSpan.FromSeconds(5);
        var options = Options(_receiver);
        options.MaxAttempts = 2;
        var slowWorker = new ChannelWorker(new ChannelConfig(7, "slow", ChannelKind.Webhook, "", slow.BaseUrl + "/hook", 60, true), _http, options, new ListLog(_log), TimeProvider.System, _logger);
        _workers.Add(slowWorker);
        slowWorker.Start();
        slowWorker.Enqueue(Message());
        Worker(ChannelKind.Webhook, _receiver.BaseUrl + "/hook").Enqueue(Message());

        var first = await NextDeliveryAsync(1);
        var second = await NextDeliveryAsync(2);

        // The fast channel is not held up by the slow one.
        Assert.Equal((1L, true), (first.ChannelId, first.Delivered));
        Assert.Equal((7L, false, 2), (second.ChannelId, second.Delivered, second.Attempts));
        Assert.Equal("timeout after 500 ms", second.Error);
        Assert.Equal(2, slow.Requests.Count);
    }

    [Fact]
    public async Task Deliver_BurstOverRateLimit_OnePerWindowAndTheRestCoalesced()
    {
        var options = Options(_receiver);
        options.RateWindowSeconds = 2;
        var worker = Worker(ChannelKind.Webhook, _receiver.BaseUrl + "/hook", maxPerMinute: 1, options: options);
        worker.Enqueue(Message("first"));
        var first = await NextDeliveryAsync(1);

        for (var i = 0; i < 5; i++)
        {
            worker.Enqueue(Message($"burst {i}"));
        }

        await Task.Delay(1000);
        var duringWindow = _receiver.Requests.Count;
        var summary = await NextDeliveryAsync(2);

        Assert.Equal(1, duringWindow);
        Assert.Equal(2, _receiver.Requests.Count);
        Assert.Equal(5, summary.Coalesced);
        Assert.Equal("5 notifications", summary.Title);
        Assert.True(summary.CreatedMs - first.CreatedMs >= 2000, $"second send {summary.CreatedMs - first.CreatedMs} ms after the first");
        using var json = JsonDocument.Parse(_receiver.Requests.Last().Body);
        Assert.Contains("• burst 4", json.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_FailuresAndSuccess_SecretNeverInLogsOrDeliveryLog()
    {
        _receiver.Statuses.Enqueue(500);
        _receiver.Statuses.Enqueue(404);
        Worker(ChannelKind.Telegram, BotToken, target: "@mychannel").Enqueue(Message());
        var discordSecret = _receiver.BaseUrl + "/api/webhooks/99/very-secret-discord-token";
        Worker(ChannelKind.Discord, discordSecret).Enqueue(Message());
        // A receiver that is not there: a network error whose text could carry the URL.
        Worker(ChannelKind.Webhook, "http://127.0.0.1:9/hook-secret-path").Enqueue(Message());

        await NextDeliveryAsync(3, 30);

        Assert.NotEmpty(_logger.Messages);
        Assert.DoesNotContain(_logger.Messages, m => m.Contains(BotToken, StringComparison.Ordinal) || m.Contains("very-secret-discord-token", StringComparison.Ordinal) || m.Contains("hook-secret-path", StringComparison.Ordinal));
        Assert.DoesNotContain(_log, d => (d.Error ?? "").Contains("secret", StringComparison.Ordinal) || d.Title.Contains("secret", StringComparison.Ordinal));
    }

    private sealed class ListLog(List<DeliveryRecord> log) : IDeliveryLog
    {
        public Task AddAsync(DeliveryRecord record, CancellationToken cancellationToken)
        {
            lock (log)
            {
                log.Add(record);
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>Every log line at every level, formatted with its exception (what a log sink would write).</summary>
    private sealed class CapturingLogger : ILogger
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Enqueue(formatter(state, exception) + " " + exception);
    }
}
