using System.Collections.Concurrent;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Persistence.Market;

namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>
/// Persists features, liquidations and funding snapshots off the engine loop. Book and liquidation features are kept
/// once per 10 s per symbol and funding once per minute — enough for replays at the 15 s evaluation cadence;
/// every other reading and every liquidation is kept. Bounded: beyond the bound the oldest are dropped and counted.
/// </summary>
public sealed partial class MarketDataWriter(MarketDataStore store, ILogger<MarketDataWriter> logger)
{
    private const int MaxBuffered = 200_000;
    private readonly ConcurrentQueue<MarketEvent> _queue = new();
    private readonly Dictionary<(string, FeatureKey), long> _lastKept = [];
    private readonly Dictionary<string, long> _lastFunding = new(StringComparer.Ordinal);
    private long _dropped;

    public long Dropped => Interlocked.Read(ref _dropped);

    public int Buffered => _queue.Count;

    /// <summary>Fast-changing features are stored at most this often; 0 = every reading.</summary>
    private static long KeepEveryMs(FeatureKey key) => key switch
    {
        FeatureKey.ObiDepth10 or FeatureKey.SpotPerpDivergence or FeatureKey.LongLiqUsd or FeatureKey.ShortLiqUsd => 10_000,
        FeatureKey.FundingRate => 60_000,
        _ => 0,
    };

    /// <summary>Called on the engine loop only.</summary>
    public void Offer(in MarketEvent e)
    {
        switch (e.Kind)
        {
            case MarketEventKind.Feature when KeepEveryMs(e.Feature) > 0:
                if (_lastKept.TryGetValue((e.Symbol, e.Feature), out var last) && e.TimeMs - last < KeepEveryMs(e.Feature))
                {
                    return;
                }

                _lastKept[(e.Symbol, e.Feature)] = e.TimeMs;
                break;
            case MarketEventKind.Funding:
                if (_lastFunding.TryGetValue(e.Symbol, out var lastFunding) && e.TimeMs - lastFunding < 60_000)
                {
                    return;
                }

                _lastFunding[e.Symbol] = e.TimeMs;
                break;
            case MarketEventKind.Trade:
                return;
        }

        _queue.Enqueue(e);
        if (_queue.Count > MaxBuffered && _queue.TryDequeue(out _))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var batch = new List<MarketEvent>(4096);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await FlushAsync(batch, cancellationToken);
        }

        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await FlushAsync(batch, drain.Token);
    }

    private async Task FlushAsync(List<MarketEvent> batch, CancellationToken cancellationToken)
    {
        while (_queue.TryPeek(out _))
        {
            batch.Clear();
            while (batch.Count < 10_000 && _queue.TryPeek(out var e))
            {
                batch.Add(e);
                _queue.TryDequeue(out _);
            }

            try
            {
                await store.WriteAsync(batch, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Re-queue for the next pass; readers order by timestamp, so the queue order does not matter.
                foreach (var e in batch)
                {
                    _queue.Enqueue(e);
                }

                LogWriteFailed(logger, ex, _queue.Count);
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Market data write failed; {Buffered} events buffered, retrying")]
    private static partial void LogWriteFailed(ILogger logger, Exception ex, int buffered);
}
