using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Live;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Notifications;

/// <summary>
/// Watches the market source's streams every 15 s and publishes a <see cref="CollectorFaultEvent"/> when one has not
/// delivered for <see cref="NotificationOptions.CollectorFaultAfterSeconds"/> (or failed), and again when it recovers.
/// Reads the source's status only; changes nothing.
/// </summary>
public sealed partial class CollectorFaultMonitor(MarketPipelineService pipeline, LiveEngineState live, LiveNotifier notifier, IOptions<NotificationOptions> options, TimeProvider clock, ILogger<CollectorFaultMonitor> logger) : BackgroundService
{
    private readonly HashSet<string> _faulted = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                Check();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }
    }

    /// <summary>One pass (public for tests).</summary>
    public void Check()
    {
        if (pipeline.Source is not { } source || live.Phase != PipelinePhase.Live)
        {
            return;
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var limitMs = options.Value.CollectorFaultAfterSeconds * 1000L;
        if (live.LiveSinceMs is { } since && now - since < limitMs)
        {
            return;
        }

        foreach (var s in source.Status.Streams)
        {
            var age = s.LastFrameMs < 0 ? long.MaxValue : now - s.LastFrameMs;
            var faulted = s.State == StreamState.Failed || age > limitMs;
            if (faulted && _faulted.Add(s.Name))
            {
                var detail = age == long.MaxValue ? "no frame received yet" : $"no frame for {age / 1000} s";
                notifier.Publish(new CollectorFaultEvent(s.Name, s.State.ToString(), s.LastError is null ? detail : $"{detail}; last error: {s.LastError}", false, now));
            }
            else if (!faulted && _faulted.Remove(s.Name))
            {
                notifier.Publish(new CollectorFaultEvent(s.Name, s.State.ToString(), "", true, now));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Collector fault check failed")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
