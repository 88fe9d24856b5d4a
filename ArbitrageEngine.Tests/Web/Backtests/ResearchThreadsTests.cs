using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Tests.Engine.Backtest;
using ArbitrageEngine.Web.Backtests;

namespace ArbitrageEngine.Tests.Web.Backtests;

public class ResearchThreadsTests
{
    [Fact]
    public async Task Run_AwaitThatWaits_ContinuesOnResearchThread()
    {
        using var threads = new ResearchThreads(2);
        var names = new List<string?>();

        await threads.Run(async () =>
        {
            names.Add(Thread.CurrentThread.Name);
            await Task.Delay(20); // completes on a timer thread; the continuation must come back here
            names.Add(Thread.CurrentThread.Name);
        });

        Assert.Equal(2, names.Count);
        Assert.All(names, n => Assert.StartsWith("research-", n));
    }

    [Fact]
    public async Task Run_OnLinux_ThreadRunsAtLowerPriority()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // nice values are a Linux thread attribute; the product runs on Linux
        }

        var creator = NiceOfThisThread();
        using var threads = new ResearchThreads(1);
        var nice = int.MinValue;

        await threads.Run(() =>
        {
            nice = NiceOfThisThread();
            return Task.CompletedTask;
        });

        Assert.Equal(Math.Min(19, creator + ResearchThreads.NiceIncrement), nice);
        Assert.True(threads.PriorityLowered);
    }

    [Fact]
    public async Task BacktestRunner_LanesOnResearchThreads_EveryReplayLoopRunsOnThem()
    {
        // The reader completes some reads later on another thread (ConfigureAwait(false), like the PostgreSQL reader):
        // the loop must still resume on the research threads, never run on the thread pool.
        using var threads = new ResearchThreads(2);
        var seen = new ConcurrentBag<string?>();
        var runner = new BacktestRunner(GoldenEvents.Golden.Engine, (symbols, from, to, ct) => Read(symbols, from, to, seen, ct), lanes: threads);
        var request = GoldenEvents.Request();
        Assert.True(BacktestRunner.IsSplittable(request));

        var result = await runner.RunAsync(request, null, CancellationToken.None);
        var reference = await new BacktestRunner(GoldenEvents.Golden.Engine, GoldenEvents.Reader(GoldenEvents.Events)).RunAsync(request, null, CancellationToken.None);

        Assert.Equal(GoldenEvents.Events.Count(e => e.TimeMs >= request.FromMs && e.TimeMs < request.ToMs), seen.Count);
        Assert.All(seen, n => Assert.StartsWith("research-", n));
        Assert.Equal(reference.Trades.Count, result.Trades.Count);
        Assert.Equal(reference.Evaluations, result.Evaluations);
    }

    private static async IAsyncEnumerable<MarketEvent> Read(
        IReadOnlyList<string> symbols, long from, long to, ConcurrentBag<string?> seen, [EnumeratorCancellation] CancellationToken ct)
    {
        var n = 0;
        foreach (var e in GoldenEvents.Events)
        {
            if (e.TimeMs < from || e.TimeMs >= to || !symbols.Contains(e.Symbol))
            {
                continue;
            }

            seen.Add(Thread.CurrentThread.Name); // runs on the thread that asked for the event: the replay loop's
            if (++n % 500 == 0)
            {
                await Task.Delay(1, ct).ConfigureAwait(false);
            }

            yield return e;
        }
    }

    /// <summary>Field 19 of /proc/thread-self/stat (after the parenthesised command name, which may hold spaces).</summary>
    private static int NiceOfThisThread()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[19 - 3], System.Globalization.CultureInfo.InvariantCulture);
    }
}
