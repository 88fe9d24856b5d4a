using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Paper;

namespace ArbitrageEngine.Engine.Replay;

/// <summary>Reads the stored market events of a dataset for [fromMs, toMs) in event-time order.</summary>
public delegate IAsyncEnumerable<MarketEvent> MarketEventReader(IReadOnlyList<string> symbols, long fromMs, long toMs, CancellationToken cancellationToken);

/// <summary>
/// Replays a period the live loop ran, with what it recorded (backtest.md §2, §9): the strategies of its first session,
/// every restart (fresh symbol states warmed up from exactly the trades that restart read), exactly the ticks it
/// evaluated (none while it was down or behind), and every command at the tick it took effect. Same
/// <see cref="EngineLoop"/>, same <see cref="EngineBootstrap"/>, a fresh <see cref="PaperBroker"/> with its own accounts:
/// nothing live is read or written besides the recorded inputs. If live and the engine are right, the events out of
/// this replay equal what live stored.
/// </summary>
public sealed class ParityReplay(
    EngineSettings settings,
    PaperSettings paper,
    IEngineJournalReader journal,
    ITradeHistory trades,
    IFeatureHistory features,
    MarketEventReader events)
{
    public async Task<ParityReplaySummary> RunAsync(long fromMs, long toMs, IEngineEventSink sink, CancellationToken cancellationToken = default)
    {
        var sessions = await journal.SessionsAsync(fromMs, toMs, cancellationToken).ConfigureAwait(false);
        if (sessions.Count == 0)
        {
            throw new InvalidOperationException(FormattableString.Invariant($"No engine session started in [{fromMs}, {toMs}): nothing to replay."));
        }

        var ticks = (await journal.TicksAsync(fromMs, toMs, cancellationToken).ConfigureAwait(false)).ToHashSet();
        var commands = await journal.CommandsAsync(fromMs, toMs, [.. sessions.Select(s => s.SessionId)], cancellationToken).ConfigureAwait(false);
        var byTick = commands.Where(c => c.AppliedTickMs is not null).ToLookup(c => c.AppliedTickMs!.Value);
        var atStart = commands.Where(c => c.AppliedTickMs is null && c.AppliedSession is not null).ToLookup(c => c.AppliedSession!.Value);

        var loop = new EngineLoop(settings, new PaperBroker(paper), sink, new EngineLoopOptions { PriceIntervalMs = 0 });
        loop.Load(sessions[0].Strategies, sessions[0].CommandsAppliedAtStart);
        long eventsApplied = 0;
        for (var k = 0; k < sessions.Count; k++)
        {
            var session = sessions[k];
            if (k > 0)
            {
                // Pending at the crash, already in the strategies the restart loaded: in effect before its first tick.
                foreach (var c in atStart[session.SessionId])
                {
                    loop.Submit(c.Command);
                }
            }

            loop.StartSession(session.SessionId, session.StartedMs);
            await EngineBootstrap.WarmUpAsync(loop, trades, features, session.StartedMs, session.Warmup.ToDictionary(w => w.Symbol, StringComparer.Ordinal), cancellationToken)
                .ConfigureAwait(false);

            var segmentEnd = k + 1 < sessions.Count ? sessions[k + 1].StartedMs : toMs;
            var streamFrom = session.Warmup.Select(w => w.LastTimeMs ?? session.StartedMs - settings.DayWindowMs).DefaultIfEmpty(session.StartedMs).Min();
            var clock = new EventTimeTicks(
                loop,
                loop.NextBoundaryAfter(session.StartedMs),
                segmentEnd - 1,
                ticks.Contains,
                tick =>
                {
                    foreach (var c in byTick[tick])
                    {
                        loop.Submit(c.Command);
                    }
                });
            await foreach (var e in events(settings.Symbols, streamFrom, segmentEnd, cancellationToken).ConfigureAwait(false))
            {
                clock.OnEvent(e);
                eventsApplied++;
            }

            clock.AdvanceTo(segmentEnd - 1);
        }

        return new ParityReplaySummary(sessions.Count, loop.TicksRun, eventsApplied, loop.CommandsApplied);
    }
}

/// <summary>What a parity replay did.</summary>
public sealed record ParityReplaySummary(int Sessions, long Ticks, long Events, long Commands);
