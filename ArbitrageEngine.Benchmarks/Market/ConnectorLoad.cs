using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.Binance;
using ArbitrageEngine.Tests.Fakes;

namespace ArbitrageEngine.Benchmarks.Market;

/// <summary>
/// Load program (not a BenchmarkDotNet benchmark): the real <see cref="BinanceMarketSource"/> against the in-process
/// <see cref="FakeBinanceServer"/> (its files are linked from ArbitrageEngine.Tests/Fakes) pushing N aggTrades/s per
/// symbol. Reports trades sent/received, missing, duplicates and frame-to-engine latency (fake's Stopwatch stamp just
/// before the WebSocket send → the moment the event is read from the output channel).
/// <code>dotnet run -c Release --project ArbitrageEngine.Benchmarks -- --connector-load [--seconds 20] [--rate 1000] [--symbols 4] [--drop-every 0]</code>
/// <c>--drop-every S</c> drops the market connection every S seconds during the load (gap fill under load).
/// </summary>
public static class ConnectorLoad
{
    private static readonly string[] AllSymbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "XRPUSDT", "DOGEUSDT", "ADAUSDT", "LINKUSDT"];

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Arg(args, "--seconds", 20);
        var rate = Arg(args, "--rate", 1000);
        var dropEvery = Arg(args, "--drop-every", 0);
        var symbols = AllSymbols.Take(Math.Clamp(Arg(args, "--symbols", 4), 1, AllSymbols.Length)).ToArray();

        await using var server = await FakeBinanceServer.StartAsync();
        var options = new BinanceOptions
        {
            Symbols = symbols,
            RestBaseUrl = server.RestBaseUrl,
            MarketStreamUrl = server.MarketStreamUrl,
            PublicStreamUrl = server.PublicStreamUrl,
            SpotStreamUrl = server.SpotStreamUrl,
            EnablePublicStream = false,
            EnableSpotStream = false,
            EnableRestPolling = false,
            ContinuityCheckInterval = TimeSpan.FromSeconds(5),
        };
        using var source = new BinanceMarketSource(options);
        var channel = Channel.CreateBounded<MarketEvent>(new BoundedChannelOptions(100_000) { SingleReader = true, SingleWriter = false });
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(channel.Writer, cts.Token);

        var capacity = (seconds + 5) * rate;
        var received = symbols.Select(_ => new List<(long AggId, long At)>(capacity)).ToArray();
        var index = symbols.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i);
        var reader = Task.Run(async () =>
        {
            await foreach (var ev in channel.Reader.ReadAllAsync())
            {
                if (ev.Kind == MarketEventKind.Trade)
                {
                    received[index[ev.Symbol]].Add((ev.Trade.AggId, Stopwatch.GetTimestamp()));
                }
            }
        });

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server.AcceptedConnections("/market/stream") < 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Console.WriteLine($"connector load: {symbols.Length} symbols × {rate} aggTrades/s for {seconds} s against the fake on {server.BaseUrl}{(dropEvery > 0 ? $", dropping the connection every {dropEvery} s" : string.Empty)}");
        var gcBefore = (Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2));
        var clock = Stopwatch.StartNew();
        server.StartFeed(symbols, rate);
        if (dropEvery > 0)
        {
            for (var t = dropEvery; t < seconds; t += dropEvery)
            {
                await Task.Delay(TimeSpan.FromSeconds(dropEvery));
                server.DropConnections("/market/stream");
                Console.WriteLine($"  dropped the market connection at {clock.Elapsed.TotalSeconds:F1} s");
            }

            await Task.Delay(TimeSpan.FromSeconds(seconds) - clock.Elapsed);
        }
        else
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds));
        }

        await server.StopFeedAsync();
        var feedSeconds = clock.Elapsed.TotalSeconds;

        // let the tail drain (the WebSocket and any REST fill), then stop
        long ExpectedTotal() => symbols.Sum(s => (long)server.Tape(s).Count);
        long ReceivedTotal()
        {
            lock (received)
            {
                return received.Sum(r => (long)r.Count);
            }
        }

        deadline = DateTime.UtcNow.AddSeconds(15);
        while (ReceivedTotal() < ExpectedTotal() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await cts.CancelAsync();
        await run;
        channel.Writer.TryComplete();
        await reader;

        long sent = 0, got = 0, missing = 0, duplicates = 0;
        var latencies = new List<double>(capacity * symbols.Length);
        for (var i = 0; i < symbols.Length; i++)
        {
            var tape = server.Tape(symbols[i]).ToDictionary(t => t.AggId);
            var ids = received[i].Select(r => r.AggId).ToList();
            var distinct = ids.ToHashSet();
            sent += tape.Count;
            got += ids.Count;
            duplicates += ids.Count - distinct.Count;
            missing += tape.Keys.Count(id => !distinct.Contains(id));
            for (var k = 1; k < ids.Count; k++)
            {
                if (ids[k] <= ids[k - 1])
                {
                    Console.WriteLine($"ORDER VIOLATION {symbols[i]}: {ids[k - 1]} then {ids[k]}");
                }
            }

            foreach (var (aggId, at) in received[i])
            {
                if (tape.TryGetValue(aggId, out var t) && t.SentTimestamp != 0)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(t.SentTimestamp, at).TotalMilliseconds);
                }
            }
        }

        latencies.Sort();
        double Pct(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(p * latencies.Count))];
        var market = source.Status.Stream(BinanceMarketSource.MarketStream);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trades on tape (sent): {sent:N0}  received: {got:N0}  missing: {missing}  duplicates: {duplicates}  (duplicates dropped by the sequencer: {source.DuplicatesDropped})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"achieved rate: {sent / feedSeconds:F0} trades/s total ({sent / feedSeconds / symbols.Length:F0} per symbol)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"frame-to-engine latency ms: median {Pct(0.5):F3}  p90 {Pct(0.9):F3}  p99 {Pct(0.99):F3}  max {(latencies.Count > 0 ? latencies[^1] : double.NaN):F3}  (n={latencies.Count:N0})"));
        Console.WriteLine($"market stream: frames {market.Frames:N0}, malformed {market.Malformed}, reconnects {market.Reconnects}, REST-filled {market.GapTradesFilled}, permanent gaps {market.PermanentGaps}");
        Console.WriteLine($"GC during run: gen0 {GC.CollectionCount(0) - gcBefore.Gen0}, gen1 {GC.CollectionCount(1) - gcBefore.Gen1}, gen2 {GC.CollectionCount(2) - gcBefore.Gen2}");
        var pass = missing == 0 && duplicates == 0 && (dropEvery > 0 || Pct(0.5) < 50);
        Console.WriteLine(pass ? "RESULT: PASS (0 missing, 0 duplicates, median < 50 ms)" : "RESULT: FAIL");
        return pass ? 0 : 1;
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }
}
