using System.Threading.Channels;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.Binance;
using ArbitrageEngine.Tests.Fakes;

namespace ArbitrageEngine.Tests.Engine.Market.Binance;

/// <summary>Real captured frames and small helpers shared by the Binance tests.</summary>
internal static class BinanceTestSupport
{
    /// <summary>Text of shared/real-data/binance-frames/FILE, found by walking up from the test binaries.</summary>
    public static string RealFrame(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "real-data", "binance-frames", relative);
            if (File.Exists(candidate))
            {
                return File.ReadAllText(candidate);
            }
        }

        throw new FileNotFoundException($"shared/real-data/binance-frames/{relative} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Polls <paramref name="condition"/> every 20 ms; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds:F0} s waiting for {what}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Options pointing at the fake, with test-sized timeouts (no REST poll, no public/spot by default).</summary>
    public static BinanceOptions Options(FakeBinanceServer server, params string[] symbols) => new()
    {
        Symbols = symbols.Length == 0 ? ["BTCUSDT"] : symbols,
        RestBaseUrl = server.RestBaseUrl,
        SpotRestBaseUrl = server.RestBaseUrl,
        MarketStreamUrl = server.MarketStreamUrl,
        PublicStreamUrl = server.PublicStreamUrl,
        SpotStreamUrl = server.SpotStreamUrl,
        EnablePublicStream = false,
        EnableSpotStream = false,
        EnableRestPolling = false,
        SilenceTimeout = TimeSpan.FromSeconds(10),
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
        ContinuityCheckInterval = TimeSpan.FromHours(1),
        PollInterval = TimeSpan.FromHours(1),
        RequestTimeout = TimeSpan.FromSeconds(5),
        MaxGapFillAttempts = 3,
    };
}

/// <summary>A test-controlled clock (GetUtcNow/GetTimestamp only; timers are real).</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _now.UtcTicks;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Runs a <see cref="BinanceMarketSource"/> against a <see cref="FakeBinanceServer"/> and collects its events.</summary>
internal sealed class SourceHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly List<MarketEvent> _events = [];
    private Task _run = Task.CompletedTask;
    private Task _reader = Task.CompletedTask;
    private Channel<MarketEvent>? _channel;

    private SourceHarness(FakeBinanceServer server, BinanceMarketSource source)
    {
        Server = server;
        Source = source;
    }

    public FakeBinanceServer Server { get; }

    public BinanceMarketSource Source { get; }

    public StreamStatus Market => Source.Status.Stream(BinanceMarketSource.MarketStream);

    public static async Task<SourceHarness> StartAsync(FakeBinanceServer server, BinanceOptions options, bool waitForMarket = true)
    {
        var source = new BinanceMarketSource(options, jitter: new Random(7));
        var harness = new SourceHarness(server, source);
        var channel = Channel.CreateBounded<MarketEvent>(new BoundedChannelOptions(100_000) { SingleReader = true });
        harness._channel = channel;
        harness._run = source.RunAsync(channel.Writer, harness._cts.Token);
        harness._reader = Task.Run(async () =>
        {
            await foreach (var ev in channel.Reader.ReadAllAsync(CancellationToken.None))
            {
                lock (harness._events)
                {
                    harness._events.Add(ev);
                }
            }
        });
        if (waitForMarket)
        {
            await BinanceTestSupport.WaitUntilAsync(() => server.AcceptedConnections("/market/stream") >= 1, TimeSpan.FromSeconds(10), "market connection");
        }

        return harness;
    }

    public List<MarketEvent> Events()
    {
        lock (_events)
        {
            return [.. _events];
        }
    }

    public List<long> TradeIds(string symbol = "BTCUSDT") =>
        [.. Events().Where(e => e.Kind == MarketEventKind.Trade && e.Symbol == symbol).Select(e => e.Trade.AggId)];

    public Task WaitForTradesAsync(int count, string symbol = "BTCUSDT") =>
        BinanceTestSupport.WaitUntilAsync(() => TradeIds(symbol).Count >= count, TimeSpan.FromSeconds(15), $"{count} {symbol} trades (have {TradeIds(symbol).Count})");

    /// <summary>Stops the source, then asserts the emitted ids equal the fake's tape ids from <paramref name="firstId"/>: none missing, none twice.</summary>
    public async Task AssertExactlyTapeAsync(string symbol, long firstId)
    {
        await StopAsync();
        var ids = TradeIds(symbol);
        var tape = Server.Tape(symbol).Where(t => t.AggId >= firstId).Select(t => t.AggId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(tape, ids);
    }

    public async Task StopAsync()
    {
        if (!_cts.IsCancellationRequested)
        {
            await _cts.CancelAsync();
        }

        await _run;
        _channel?.Writer.TryComplete();
        await _reader;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Source.Dispose();
        _cts.Dispose();
    }
}
