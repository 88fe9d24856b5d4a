using ArbitrageEngine.Engine.Market;

namespace ArbitrageEngine.Web.SystemStatus;

/// <summary>One stream of the market source as /system shows it.</summary>
public sealed record CollectorStatus(string Name, string State, long Frames, long Malformed, long Reconnects, long GapTradesFilled, long PermanentGaps, long? LastFrameAgeMs, string? LastError)
{
    public static IReadOnlyList<CollectorStatus> From(IMarketSource? source, long nowMs) =>
        source is null
            ? []
            : [.. source.Status.Streams.Select(s => new CollectorStatus(s.Name, s.State.ToString(), s.Frames, s.Malformed, s.Reconnects, s.GapTradesFilled, s.PermanentGaps,
                s.LastFrameMs < 0 ? null : nowMs - s.LastFrameMs, s.LastError))];
}
