using System.Threading.Channels;

namespace ArbitrageEngine.Engine.Market.Simulated;

/// <summary>
/// The default market source: first generates <see cref="SimulatedMarketOptions.BackfillHours"/> of history
/// instantly (so the engine is warm and useful at first start), then follows the wall clock of the injected
/// <see cref="TimeProvider"/> in 100 ms steps.
/// </summary>
public sealed class SimulatedMarketSource(SimulatedMarketOptions options, IReadOnlyList<string> symbols, TimeProvider clock) : IMarketSource
{
    /// <summary>
    /// Set by the host before <see cref="RunAsync"/> when stored history exists: the simulation then continues each
    /// symbol from its last stored trade and only backfills the time since then (at most BackfillHours).
    /// </summary>
    public IReadOnlyDictionary<string, SimulatedResume>? Resume { get; set; }

    private long _watermark = long.MinValue;

    public string Name => "simulated";

    /// <summary>The simulated time up to which every generated event is in the channel.</summary>
    public long Watermark => Interlocked.Read(ref _watermark);

    public IReadOnlyList<string> Symbols { get; } = symbols;

    public SourceStatus Status { get; } = new();

    /// <summary>The generator (exposed for tests and the status page).</summary>
    public SimulatedMarket? Market { get; private set; }

    public async Task RunAsync(ChannelWriter<MarketEvent> output, CancellationToken cancellationToken)
    {
        var status = Status.Stream("simulated");
        status.State = StreamState.Connecting;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var start = now - (long)(options.BackfillHours * 3_600_000);
        if (Resume is { Count: > 0 } resume)
        {
            start = Math.Max(start, resume.Values.Max(r => r.LastTimeMs) + 1);
        }

        var market = Market = new SimulatedMarket(options, Symbols, Math.Min(start, now), Resume);
        var buffer = new List<MarketEvent>(4096);

        // Backfill in one-minute chunks, as fast as the consumer takes them.
        while (market.NowMs + 60_000 <= now)
        {
            market.AdvanceTo(market.NowMs + 60_000, buffer, backfill: true);
            await WriteAsync(output, buffer, status, cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _watermark, market.NowMs - 1);
        }

        status.State = StreamState.Connected;
        using var timer = new PeriodicTimer(options.Step, clock);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            market.AdvanceTo(clock.GetUtcNow().ToUnixTimeMilliseconds(), buffer);
            await WriteAsync(output, buffer, status, cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _watermark, market.NowMs - 1);
        }
    }

    private async Task WriteAsync(ChannelWriter<MarketEvent> output, List<MarketEvent> buffer, StreamStatus status, CancellationToken cancellationToken)
    {
        foreach (var e in buffer)
        {
            if (!output.TryWrite(e))
            {
                await output.WriteAsync(e, cancellationToken).ConfigureAwait(false);
            }
        }

        if (buffer.Count > 0)
        {
            status.OnFrame(clock.GetUtcNow().ToUnixTimeMilliseconds());
        }

        buffer.Clear();
    }
}
