using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ArbitrageEngine.Tests.Fakes;

/// <summary>One trade of the fake's tape; <see cref="SentTimestamp"/> is the Stopwatch timestamp of its WebSocket send (0 = not sent).</summary>
public sealed class FakeTrade(long aggId, long timeMs, double price, double qty, bool isBuyerMaker)
{
    public long AggId { get; } = aggId;
    public long TimeMs { get; } = timeMs;
    public double Price { get; } = price;
    public double Qty { get; } = qty;
    public bool IsBuyerMaker { get; } = isBuyerMaker;
    public long SentTimestamp { get; set; }
}

/// <summary>One REST request as the fake saw it (Stopwatch timestamp on arrival).</summary>
public sealed record FakeRequest(long Timestamp, string Path, string Query, int Status);

/// <summary>
/// A local fake of Binance USDⓈ-M (binance.md) on Kestrel 127.0.0.1:0: combined-stream WebSockets under
/// <c>/market/stream</c>, <c>/public/stream</c> and spot <c>/stream</c>, and the REST endpoints the connector uses, in
/// the exact wire formats (including unknown fields such as <c>nq</c>/<c>st</c> and <c>X-MBX-USED-WEIGHT-1M</c> on every
/// answer). A per-symbol trade tape keeps REST and WebSocket consistent. Faults: drop connections, go silent, lose a
/// range on the WebSocket, malformed/unknown-field frames, 429/418 with Retry-After, -4166 beyond a history horizon,
/// server pings with recorded pong payloads.
/// </summary>
public sealed class FakeBinanceServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, List<FakeTrade>> _tapes = new();
    private readonly ConcurrentDictionary<string, int> _loseOnWebSocket = new();
    private readonly ConcurrentQueue<(int Status, int RetryAfterSeconds)> _restFaults = new();
    private readonly List<FakeWebSocketConnection> _connections = [];
    private readonly ConcurrentDictionary<string, int> _accepted = new();
    private readonly Lock _weightLock = new();
    private readonly Random _random = new(42);
    private long _weightMinute = -1;
    private int _weightUsed;
    private CancellationTokenSource? _feed;
    private Task _feedTask = Task.CompletedTask;

    private FakeBinanceServer(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = string.Empty;

    public Uri RestBaseUrl => new(BaseUrl);

    public Uri MarketStreamUrl => new(BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/market/stream");

    public Uri PublicStreamUrl => new(BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/public/stream");

    public Uri SpotStreamUrl => new(BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/stream");

    /// <summary>aggTrades older than this answer 400 -4166 (Binance: 2 days).</summary>
    public TimeSpan HistoryHorizon { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Weight other clients of the same IP already used this minute (added to the header).</summary>
    public int ExtraUsedWeight { get; set; }

    /// <summary>Render futures/data timestamps as strings (some docs show them so).</summary>
    public bool TimestampsAsStrings { get; set; }

    /// <summary>Raw JSON answers per REST path (e.g. a captured fixture), instead of the generated ones.</summary>
    public ConcurrentDictionary<string, string> RestOverrides { get; } = new();

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    /// <summary>Settled funding rates per symbol served by /fapi/v1/fundingRate (by startTime, ascending, limit ≤ 1000); empty = one fixed row.</summary>
    public ConcurrentDictionary<string, List<(long TimeMs, double Rate)>> FundingHistory { get; } = new();

    public ConcurrentQueue<byte[]> Pongs { get; } = new();

    public long TradesSent => Interlocked.Read(ref _tradesSent);

    private long _tradesSent;

    public static async Task<FakeBinanceServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeBinanceServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = app.Urls.First().TrimEnd('/');
        return server;
    }

    // ------------------------------------------------------------------ tape

    public IReadOnlyList<FakeTrade> Tape(string symbol)
    {
        var tape = TapeOf(symbol);
        lock (tape)
        {
            return [.. tape];
        }
    }

    /// <summary>Adds trades to the tape only (history, e.g. older than the REST horizon) starting at <paramref name="firstId"/>.</summary>
    public void SeedHistory(string symbol, long firstId, int count, long timeMs)
    {
        var tape = TapeOf(symbol);
        lock (tape)
        {
            for (var i = 0; i < count; i++)
            {
                tape.Add(new FakeTrade(firstId + i, timeMs + i, 83000 + i * 0.1, 0.01, i % 2 == 0));
            }
        }
    }

    /// <summary>The next <paramref name="count"/> trades of <paramref name="symbol"/> reach the tape (REST) but not the WebSocket.</summary>
    public void LoseOnWebSocket(string symbol, int count) => _loseOnWebSocket.AddOrUpdate(symbol, count, (_, c) => c + count);

    /// <summary>Appends <paramref name="count"/> new trades to the tape and pushes them to subscribed market connections.</summary>
    public async Task PushTradesAsync(string symbol, int count)
    {
        var tape = TapeOf(symbol);
        var stream = symbol.ToLowerInvariant() + "@aggTrade";
        for (var n = 0; n < count; n++)
        {
            FakeTrade trade;
            lock (tape)
            {
                var last = tape.Count > 0 ? tape[^1] : null;
                var price = Math.Max(1, (last?.Price ?? 83091.7) + ((_random.Next(3) - 1) * 0.1));
                trade = new FakeTrade((last?.AggId ?? 3_477_868_433) + 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Math.Round(price, 1), 0.001 * (1 + _random.Next(50)), _random.Next(2) == 0);
                tape.Add(trade);
            }

            if (_loseOnWebSocket.TryGetValue(symbol, out var lose) && lose > 0)
            {
                _loseOnWebSocket.AddOrUpdate(symbol, 0, (_, c) => c - 1);
                continue;
            }

            var frame = Encoding.UTF8.GetBytes(AggTradeFrame(symbol, trade));
            foreach (var connection in Live("/market/stream"))
            {
                if (connection.IsSubscribed(stream) && !connection.Silent)
                {
                    trade.SentTimestamp = Stopwatch.GetTimestamp();
                    await connection.SendTextAsync(frame);
                    Interlocked.Increment(ref _tradesSent);
                }
            }
        }
    }

    /// <summary>Pushes <paramref name="perSecond"/> trades per second per symbol until <see cref="StopFeedAsync"/>.</summary>
    public void StartFeed(IReadOnlyList<string> symbols, int perSecond)
    {
        _feed = new CancellationTokenSource();
        var token = _feed.Token;
        _feedTask = Task.Run(async () =>
        {
            var clock = Stopwatch.StartNew();
            var sent = new long[symbols.Count];
            while (!token.IsCancellationRequested)
            {
                var due = (long)(clock.Elapsed.TotalSeconds * perSecond);
                for (var i = 0; i < symbols.Count; i++)
                {
                    var count = (int)(due - sent[i]);
                    if (count > 0)
                    {
                        await PushTradesAsync(symbols[i], count);
                        sent[i] += count;
                    }
                }

                await Task.Delay(1, CancellationToken.None);
            }
        });
    }

    public async Task StopFeedAsync()
    {
        if (_feed is not null)
        {
            await _feed.CancelAsync();
            await _feedTask;
            _feed.Dispose();
            _feed = null;
        }
    }

    public static string AggTradeFrame(string symbol, FakeTrade t) => string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"stream\":\"{symbol.ToLowerInvariant()}@aggTrade\",\"data\":{{\"e\":\"aggTrade\",\"E\":{t.TimeMs + 1},\"a\":{t.AggId},\"s\":\"{symbol}\",\"p\":\"{t.Price:F2}\",\"q\":\"{t.Qty:F3}\",\"nq\":\"{t.Qty:F3}\",\"f\":{t.AggId * 2},\"l\":{(t.AggId * 2) + 1},\"T\":{t.TimeMs},\"m\":{(t.IsBuyerMaker ? "true" : "false")},\"st\":1}}}}");

    private static string AggTradeRow(FakeTrade t) => string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"a\":{t.AggId},\"p\":\"{t.Price:F2}\",\"q\":\"{t.Qty:F3}\",\"nq\":\"{t.Qty:F3}\",\"f\":{t.AggId * 2},\"l\":{(t.AggId * 2) + 1},\"T\":{t.TimeMs},\"m\":{(t.IsBuyerMaker ? "true" : "false")}}}");

    private List<FakeTrade> TapeOf(string symbol) => _tapes.GetOrAdd(symbol.ToUpperInvariant(), _ => []);

    // ------------------------------------------------------------------ streams and faults

    /// <summary>Connections accepted so far on <paramref name="path"/> (e.g. "/market/stream").</summary>
    public int AcceptedConnections(string path) => _accepted.TryGetValue(path, out var n) ? n : 0;

    /// <summary>Sends <c>{"stream":…,"data":…}</c> to connections subscribed to <paramref name="stream"/>.</summary>
    public async Task SendToStreamAsync(string stream, string dataJson)
    {
        var frame = Encoding.UTF8.GetBytes($"{{\"stream\":\"{stream}\",\"data\":{dataJson}}}");
        foreach (var connection in Live(null))
        {
            if (connection.IsSubscribed(stream))
            {
                await connection.SendTextAsync(frame);
            }
        }
    }

    /// <summary>Sends any text (malformed, unknown-field, control) to every connection on <paramref name="path"/>.</summary>
    public async Task SendRawAsync(string path, string text)
    {
        var frame = Encoding.UTF8.GetBytes(text);
        foreach (var connection in Live(path))
        {
            await connection.SendTextAsync(frame);
        }
    }

    public async Task SendPingAsync(string path, byte[] payload)
    {
        foreach (var connection in Live(path))
        {
            await connection.SendPingAsync(payload);
        }
    }

    /// <summary>Drops every open connection (on <paramref name="path"/>, or all) without a close frame.</summary>
    public void DropConnections(string? path = null)
    {
        foreach (var connection in Live(path))
        {
            connection.Abort();
        }
    }

    /// <summary>Current connections stay open but send nothing more; new connections are normal.</summary>
    public void SilenceConnections(string? path = null)
    {
        foreach (var connection in Live(path))
        {
            connection.Silent = true;
        }
    }

    /// <summary>The next REST request(s) answer <paramref name="status"/> (429/418) with Retry-After.</summary>
    public void EnqueueRestFault(int status, int retryAfterSeconds) => _restFaults.Enqueue((status, retryAfterSeconds));

    private List<FakeWebSocketConnection> Live(string? path)
    {
        lock (_connections)
        {
            _connections.RemoveAll(c => c.Closed);
            return [.. _connections.Where(c => path is null || c.Path == path)];
        }
    }

    // ------------------------------------------------------------------ HTTP

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path is "/market/stream" or "/public/stream" or "/stream")
        {
            var streams = context.Request.Query["streams"].ToString().Split('/', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            var connection = await FakeWebSocketConnection.AcceptAsync(context, streams);
            if (connection is null)
            {
                return;
            }

            lock (_connections)
            {
                _connections.Add(connection);
            }

            _accepted.AddOrUpdate(path, 1, (_, n) => n + 1);
            await connection.ReadLoopAsync(p => Pongs.Enqueue(p), context.RequestAborted);
            return;
        }

        await HandleRestAsync(context, path);
    }

    private async Task HandleRestAsync(HttpContext context, string path)
    {
        var arrived = Stopwatch.GetTimestamp();
        var query = context.Request.Query;
        var weight = path == "/fapi/v1/aggTrades" ? 20 : 1;
        context.Response.Headers["X-MBX-USED-WEIGHT-1M"] = AddWeight(weight).ToString(CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json";
        int status;
        string body;
        if (_restFaults.TryDequeue(out var fault))
        {
            status = fault.Status;
            context.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            body = status == 418
                ? "{\"code\":-1003,\"msg\":\"Way too many requests; IP(127.0.0.1) banned until 1791382999999. Please use the websocket for live updates to avoid bans.\"}"
                : "{\"code\":-1003,\"msg\":\"Too many requests; current limit of IP(127.0.0.1) is 2400 requests per minute. Please use the websocket for live updates to avoid bans.\"}";
        }
        else if (RestOverrides.TryGetValue(path, out var raw))
        {
            (status, body) = (200, raw);
        }
        else
        {
            var symbol = query["symbol"].ToString().ToUpperInvariant();
            (status, body) = path switch
            {
                "/fapi/v1/aggTrades" => AggTrades(symbol, query),
                "/fapi/v1/premiumIndex" => (200, PremiumIndex(symbol)),
                "/fapi/v1/fundingRate" when FundingHistory.TryGetValue(symbol, out var funding) => (200, FundingRates(symbol, funding, query)),
                "/fapi/v1/fundingRate" => (200, $"[{{\"symbol\":\"{symbol}\",\"fundingTime\":1791331200002,\"fundingRate\":\"-0.00000743\",\"markPrice\":\"85516.50151449\",\"rateType\":\"Regular\"}}]"),
                "/futures/data/openInterestHist" => (200, $"[{{\"symbol\":\"{symbol}\",\"sumOpenInterest\":\"94731.04600000\",\"sumOpenInterestValue\":\"8157280897.95540000\",\"CMCCirculatingSupply\":\"20094037.00000000\",\"timestamp\":{Ts(1791284400000)}}}]"),
                "/futures/data/globalLongShortAccountRatio" => (200, $"[{{\"symbol\":\"{symbol}\",\"longShortRatio\":\"1.4342\",\"longAccount\":\"0.5891\",\"shortAccount\":\"0.4109\",\"timestamp\":{Ts(1791284400000)}}}]"),
                "/futures/data/topLongShortPositionRatio" => (200, $"[{{\"symbol\":\"{symbol}\",\"longShortRatio\":\"1.2500\",\"longAccount\":\"0.5556\",\"shortAccount\":\"0.4444\",\"timestamp\":{Ts(1791284400000)}}}]"),
                _ => (404, "{\"code\":-1000,\"msg\":\"Unknown path.\"}"),
            };
        }

        Requests.Enqueue(new FakeRequest(arrived, path, context.Request.QueryString.Value ?? string.Empty, status));
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(body);
    }

    private string Ts(long ms) => TimestampsAsStrings ? $"\"{ms}\"" : ms.ToString(CultureInfo.InvariantCulture);

    private (int, string) AggTrades(string symbol, IQueryCollection query)
    {
        if (!_tapes.TryGetValue(symbol, out var tape))
        {
            return (400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
        }

        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 1000) : 500;
        var horizon = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)HistoryHorizon.TotalMilliseconds;
        List<FakeTrade> rows;
        lock (tape)
        {
            IEnumerable<FakeTrade> selected = tape;
            if (long.TryParse(query["fromId"], CultureInfo.InvariantCulture, out var fromId))
            {
                var first = tape.Find(t => t.AggId >= fromId);
                if ((tape.Count > 0 && fromId < tape[0].AggId) || (first is not null && first.TimeMs < horizon))
                {
                    return (400, "{\"code\":-4166,\"msg\":\"Search window is restricted to recent 2 days only.\"}");
                }

                selected = selected.Where(t => t.AggId >= fromId);
            }
            else if (long.TryParse(query["startTime"], CultureInfo.InvariantCulture, out var start))
            {
                if (start < horizon)
                {
                    return (400, "{\"code\":-4166,\"msg\":\"Search window is restricted to recent 2 days only.\"}");
                }

                selected = selected.Where(t => t.TimeMs >= start);
                if (long.TryParse(query["endTime"], CultureInfo.InvariantCulture, out var end))
                {
                    selected = selected.Where(t => t.TimeMs <= end);
                }
            }
            else
            {
                selected = tape.Skip(Math.Max(0, tape.Count - limit));
            }

            rows = [.. selected.Take(limit)];
        }

        return (200, "[" + string.Join(',', rows.Select(AggTradeRow)) + "]");
    }

    private static string FundingRates(string symbol, List<(long TimeMs, double Rate)> history, IQueryCollection query)
    {
        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 1000) : 100;
        var start = long.TryParse(query["startTime"], CultureInfo.InvariantCulture, out var s) ? s : long.MinValue;
        var rows = history.Where(r => r.TimeMs >= start).OrderBy(r => r.TimeMs).Take(limit);
        return "[" + string.Join(',', rows.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"{{\"symbol\":\"{symbol}\",\"fundingTime\":{r.TimeMs},\"fundingRate\":\"{r.Rate:F8}\",\"markPrice\":\"\"}}"))) + "]";
    }

    private string PremiumIndex(string symbol)
    {
        var last = symbol.Length > 0 && _tapes.TryGetValue(symbol, out var tape) && tape.Count > 0 ? tape[^1].Price : 83067.3;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"symbol\":\"{symbol}\",\"markPrice\":\"{last:F8}\",\"indexPrice\":\"83114.69956522\",\"estimatedSettlePrice\":\"83195.99445417\",\"lastFundingRate\":\"0.00000078\",\"interestRate\":\"0.00010000\",\"nextFundingTime\":1791388800000,\"time\":{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}}");
    }

    private int AddWeight(int weight)
    {
        lock (_weightLock)
        {
            var minute = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000;
            if (minute != _weightMinute)
            {
                _weightMinute = minute;
                _weightUsed = 0;
            }

            _weightUsed += weight;
            return _weightUsed + ExtraUsedWeight;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopFeedAsync();
        DropConnections();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            await _app.StopAsync(stop.Token);
        }

        await _app.DisposeAsync();
    }
}
