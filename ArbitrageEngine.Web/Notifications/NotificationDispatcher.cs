using System.Globalization;
using System.Threading.Channels;
using ArbitrageEngine.Web.Funding;
using ArbitrageEngine.Web.Live;
using ArbitrageEngine.Web.Localization;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Notifications;

/// <summary>
/// Turns live events into notifications for the channels users subscribed them to. The live-notifier callback only
/// enqueues (bounded, never waits), so the engine loop is never blocked; routing runs on this service's task and each
/// channel delivers on its own <see cref="ChannelWorker"/>. Routes and strategy names are cached and reloaded every
/// 30 s or when channels or subscriptions change.
/// </summary>
public sealed partial class NotificationDispatcher(
    LiveNotifier notifier,
    ArbitrageEngine.Web.Hosting.Market.PipelineMetrics metrics,
    NotificationStore store,
    IOptions<NotificationOptions> options,
    TimeProvider clock,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    // A plain handler without logging: request URIs carry the secrets (webhook URLs, bot tokens).
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly Channel<LiveEvent> _inbox = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, ChannelWorker> _workers = new();
    private readonly SemaphoreSlim _workersGate = new(1, 1);
    private List<(NotificationKind Kind, long ChannelId, Guid[]? StrategyIds, string? Language)> _routes = [];
    private Dictionary<Guid, string> _names = [];
    private long _routesLoadedMs = Stale;
    private const long Stale = -1;

    /// <summary>Messages waiting in all channel queues.</summary>
    public long Pending => _inbox.Reader.Count + _workers.Values.Sum(w => (long)w.Pending);

    /// <summary>Messages dropped by full channel queues.</summary>
    public long Dropped => _workers.Values.Sum(w => w.Dropped);

    /// <summary>Channels or subscriptions changed: drop cached routes and the changed channel's worker (rebuilt with its new settings).</summary>
    public async Task InvalidateAsync(long? channelId = null)
    {
        Interlocked.Exchange(ref _routesLoadedMs, Stale);
        if (channelId is not { } id)
        {
            return;
        }

        ChannelWorker? old;
        await _workersGate.WaitAsync();
        try
        {
#pragma warning disable CA2000 // the removed worker is disposed below, outside the lock
            _workers.TryRemove(id, out old);
#pragma warning restore CA2000
        }
        finally
        {
            _workersGate.Release();
        }

        if (old is not null)
        {
            await old.DisposeAsync();
        }
    }

    /// <summary>The admin's "send test": a test message through the channel's normal path (rate limit, retries, delivery log).</summary>
    public async Task<bool> SendTestAsync(long channelId, CancellationToken ct = default)
    {
        var worker = await WorkerAsync(channelId, ct);
        worker?.Enqueue(NotificationTexts.Test(worker.Channel.Name, clock.GetUtcNow().ToUnixTimeMilliseconds()));
        return worker is not null;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = notifier.Subscribe(OnLiveEvent);
        using var depth = metrics.TrackQueue("notifications", () => Pending);
        using var dropped = metrics.TrackDropped("notifications", () => Dropped);
        await foreach (var e in _inbox.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await RouteAsync(e, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRouteFailed(logger, ex, e.GetType().Name);
            }
        }
    }

    /// <summary>Runs on the notifier's dispatcher: filter and enqueue only.</summary>
    private Task OnLiveEvent(LiveEvent e)
    {
        var relevant = e switch
        {
            EvaluationEvent ev => ev.Results.Any(r => r.Signal is not null),
            PositionEvent p => p.Kind is "opened" or "closed",
            FundingSignalEvent or CollectorFaultEvent or EvolveResultEvent => true,
            _ => false,
        };
        if (relevant)
        {
            _inbox.Writer.TryWrite(e);
        }

        return Task.CompletedTask;
    }

    private async Task RouteAsync(LiveEvent e, CancellationToken ct)
    {
        await RefreshRoutesAsync(ct);
        if (_routes.Count == 0)
        {
            return;
        }

        // A channel is shared by its subscribers: it gets the message in their language when they all chose the same
        // one, else in English. Both lists come from the same event, so their items line up.
        var english = ToNotifications(e, null).ToList();
        List<Notification>? chinese = null;
        for (var i = 0; i < english.Count; i++)
        {
            var n = english[i];
            var channels = _routes.Where(r => r.Kind == n.Kind && (r.StrategyIds is null || (n.StrategyId is { } sid && r.StrategyIds.Contains(sid))))
                .GroupBy(r => r.ChannelId);
            foreach (var channel in channels)
            {
                var languages = channel.Select(r => AppCultures.Normalize(r.Language) ?? AppCultures.English).Distinct().ToList();
                var message = languages is [AppCultures.Chinese] ? (chinese ??= ToNotifications(e, ChineseCulture).ToList())[i] : n;
                (await WorkerAsync(channel.Key, ct))?.Enqueue(message);
            }
        }
    }

    private static readonly CultureInfo ChineseCulture = CultureInfo.GetCultureInfo(AppCultures.Chinese);

    private IEnumerable<Notification> ToNotifications(LiveEvent e, CultureInfo? culture)
    {
        switch (e)
        {
            case EvaluationEvent ev:
                foreach (var r in ev.Results.Where(r => r.Signal is not null))
                {
                    yield return NotificationTexts.Signal(Name(r.StrategyId), r, ev.TickMs, culture);
                }

                break;
            case PositionEvent { Kind: "opened" } p:
                yield return NotificationTexts.PositionOpened(Name(p.StrategyId), p, culture);
                break;
            case PositionEvent { Kind: "closed" } p:
                yield return NotificationTexts.PositionClosed(Name(p.StrategyId), p, culture);
                break;
            case FundingSignalEvent f:
                yield return NotificationTexts.FundingSignal(f, culture);
                break;
            case CollectorFaultEvent c:
                yield return NotificationTexts.CollectorFault(c, culture);
                break;
            case EvolveResultEvent v:
                yield return NotificationTexts.EvolveResult(v, culture);
                break;
        }
    }

    private string Name(Guid strategyId) => _names.TryGetValue(strategyId, out var name) ? name : strategyId.ToString()[..8];

    private async Task RefreshRoutesAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var loaded = Interlocked.Read(ref _routesLoadedMs);
        if (loaded != Stale && now - loaded < CacheFor.TotalMilliseconds)
        {
            return;
        }

        _routes = await store.RoutesAsync(ct);
        if (_routes.Count > 0)
        {
            _names = await store.StrategyNamesAsync(ct);
        }

        Interlocked.Exchange(ref _routesLoadedMs, now);
    }

    private async Task<ChannelWorker?> WorkerAsync(long channelId, CancellationToken ct)
    {
        await _workersGate.WaitAsync(ct);
        try
        {
            if (_workers.TryGetValue(channelId, out var worker))
            {
                return worker;
            }

            if (await store.ConfigAsync(channelId, ct) is not { } config)
            {
                return null;
            }

            worker = new ChannelWorker(config, _http, options.Value, store, clock, logger);
            worker.Start();
            _workers[channelId] = worker;
            return worker;
        }
        finally
        {
            _workersGate.Release();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var worker in _workers.Values)
        {
            await worker.DisposeAsync();
        }

        _workers.Clear();
    }

    public override void Dispose()
    {
        _http.Dispose();
        _workersGate.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Routing a {Event} to notification channels failed")]
    private static partial void LogRouteFailed(ILogger logger, Exception ex, string @event);
}
