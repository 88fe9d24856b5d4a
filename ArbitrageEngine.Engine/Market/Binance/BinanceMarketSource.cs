using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ArbitrageEngine.Engine.Market.Binance;

/// <summary>
/// Binance USDⓈ-M live <see cref="IMarketSource"/>: combines the market (aggTrade, forceOrder, markPrice@1s), public
/// (depth10@100ms) and spot (bookTicker) combined streams with REST gap fills, a continuity check and the 5-minute
/// poll. Trades leave in strictly increasing agg_id order per symbol without duplicates: WebSocket trades that arrive
/// while a REST fill runs are buffered and released after it, ids ≤ the last emitted one are dropped.
/// </summary>
public sealed class BinanceMarketSource : IMarketSource, IBinanceStreamHandler, IDisposable
{
    public const string MarketStream = "market";
    public const string PublicStream = "public";
    public const string SpotStream = "spot";
    public const string RestStream = "rest";

    private readonly BinanceOptions _options;
    private readonly IBinanceRestClient _rest;
    private readonly IBinanceStreamClient _streams;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly BinanceSymbolTable _symbols;
    private readonly BinanceSymbolTable _spotSymbols;
    private readonly SymbolFeed[] _feeds;
    private readonly Channel<int> _fillRequests = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HttpClient? _ownedHttp;
    private ChannelWriter<MarketEvent> _output = NullWriter.Instance;

    public BinanceMarketSource(
        BinanceOptions options,
        IBinanceRestClient? rest = null,
        IBinanceStreamClient? streams = null,
        TimeProvider? time = null,
        Random? jitter = null,
        ILogger<BinanceMarketSource>? logger = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        _log = (ILogger?)logger ?? NullLogger.Instance;
        _symbols = new BinanceSymbolTable(options.Symbols);
        _spotSymbols = new BinanceSymbolTable(_symbols.Names.Select(options.SpotSymbolOf));
        _feeds = [.. _symbols.Names.Select(s => new SymbolFeed(s) { Liquidations = new LiquidationWindow((long)options.LiquidationWindow.TotalMilliseconds) })];
        Symbols = _symbols.Names;
        Status.Stream(MarketStream);
        if (options.EnablePublicStream)
        {
            Status.Stream(PublicStream);
        }

        if (options.EnableSpotStream)
        {
            Status.Stream(SpotStream);
        }

        var restStatus = Status.Stream(RestStream);
        if (rest is null)
        {
            _ownedHttp = BinanceRestClient.CreateHttpClient(options);
            rest = new BinanceRestClient(_ownedHttp, options, _time, _log, restStatus);
        }

        _rest = rest;
        _streams = streams ?? new BinanceStreamClient(options, _time, jitter, _log);
    }

    public string Name => "binance";

    public IReadOnlyList<string> Symbols { get; }

    public SourceStatus Status { get; } = new();

    /// <summary>WebSocket trades dropped because their agg_id was already emitted (WS/REST overlap).</summary>
    public long DuplicatesDropped => _feeds.Sum(f => f.Duplicates);

    /// <summary>Trades written to the output.</summary>
    public long TradesEmitted => _feeds.Sum(f => f.Emitted);

    public IEnumerable<BinanceStreamEndpoint> Endpoints()
    {
        var lower = _symbols.Names.Select(s => s.ToLowerInvariant()).ToArray();
        yield return new BinanceStreamEndpoint(MarketStream, _options.MarketStreamUrl, [.. lower.SelectMany(s => new[] { $"{s}@aggTrade", $"{s}@forceOrder", $"{s}@markPrice@1s" })]);
        if (_options.EnablePublicStream)
        {
            yield return new BinanceStreamEndpoint(PublicStream, _options.PublicStreamUrl, [.. lower.Select(s => $"{s}@depth10@100ms")]);
        }

        if (_options.EnableSpotStream)
        {
            yield return new BinanceStreamEndpoint(SpotStream, _options.SpotStreamUrl, [.. _spotSymbols.Names.Select(s => $"{s.ToLowerInvariant()}@bookTicker")]);
        }
    }

    /// <summary>Disposes the HttpClient the source created itself (none when a REST client was injected).</summary>
    public void Dispose() => _ownedHttp?.Dispose();

    /// <summary>Test hook: frames fed through <see cref="OnFrameAsync"/> without <see cref="RunAsync"/> go to <paramref name="output"/>.</summary>
    internal void UseOutput(ChannelWriter<MarketEvent> output) => _output = output;

    public async Task RunAsync(ChannelWriter<MarketEvent> output, CancellationToken cancellationToken)
    {
        _output = output;
        foreach (var (symbol, lastId) in _options.ResumeAfterAggId)
        {
            var i = _symbols.IndexOf(symbol);
            if (i >= 0)
            {
                _feeds[i].LastEmitted = lastId;
            }
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = linked.Token;
        var tasks = Endpoints().Select(e => _streams.RunAsync(e, this, Status.Stream(e.Name), token)).ToList();
        tasks.Add(FillLoopAsync(token));
        tasks.Add(ContinuityLoopAsync(token));
        tasks.Add(LiquidationSweepLoopAsync(token));
        if (_options.EnableRestPolling)
        {
            tasks.Add(PollLoopAsync(token));
        }

        await Task.WhenAny(tasks);
        await linked.CancelAsync();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var stream in Status.Streams)
            {
                stream.State = StreamState.Stopped;
            }
        }
    }

    // ---------------------------------------------------------------- stream handler

    public async ValueTask OnConnectedAsync(BinanceStreamEndpoint endpoint, bool isReconnect, CancellationToken cancellationToken)
    {
        if (endpoint.Name != MarketStream)
        {
            return;
        }

        // Anything may have been missed while disconnected: fill every symbol with a baseline from REST.
        for (var i = 0; i < _feeds.Length; i++)
        {
            var feed = _feeds[i];
            await feed.Gate.WaitAsync(cancellationToken);
            try
            {
                if (feed.LastEmitted >= 0 && !feed.Filling)
                {
                    feed.Filling = true;
                    _fillRequests.Writer.TryWrite(i);
                }
            }
            finally
            {
                feed.Gate.Release();
            }
        }
    }

    public async ValueTask<bool> OnFrameAsync(BinanceStreamEndpoint endpoint, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (!BinanceFrameParser.TryReadEnvelope(frame.Span, out var kind, out var range))
        {
            return false;
        }

        var data = frame[range];
        int i;
        switch (kind)
        {
            case BinanceStreamKind.AggTrade:
                if (!BinanceFrameParser.TryParseAggTrade(data.Span, _symbols, out i, out var trade))
                {
                    return false;
                }

                if (i >= 0)
                {
                    await OnWebSocketTradeAsync(i, trade, cancellationToken);
                }

                return true;

            case BinanceStreamKind.MarkPrice:
                if (!BinanceFrameParser.TryParseMarkPrice(data.Span, _symbols, out i, out var funding))
                {
                    return false;
                }

                if (i >= 0)
                {
                    await OnMarkPriceAsync(_feeds[i], funding, cancellationToken);
                }

                return true;

            case BinanceStreamKind.ForceOrder:
                if (!BinanceFrameParser.TryParseForceOrder(data.Span, _symbols, out i, out var liquidation))
                {
                    return false;
                }

                if (i >= 0)
                {
                    await OnLiquidationAsync(_feeds[i], liquidation, cancellationToken);
                }

                return true;

            case BinanceStreamKind.Depth:
                if (!BinanceFrameParser.TryParseDepth(data.Span, _symbols, out i, out var eventTime, out var bids, out var asks))
                {
                    return false;
                }

                if (i >= 0)
                {
                    await OnDepthAsync(_feeds[i], eventTime, bids, asks, cancellationToken);
                }

                return true;

            case BinanceStreamKind.BookTicker:
                var table = endpoint.Name == SpotStream ? _spotSymbols : _symbols;
                if (!BinanceFrameParser.TryParseBookTicker(data.Span, table, out i, out var bid, out var ask, out _))
                {
                    return false;
                }

                if (i >= 0 && endpoint.Name == SpotStream)
                {
                    await OnSpotBookAsync(_feeds[i], bid, ask, cancellationToken);
                }

                return true;

            default:
                return true;
        }
    }

    // ---------------------------------------------------------------- trades

    private async ValueTask OnWebSocketTradeAsync(int index, AggTrade trade, CancellationToken cancellationToken)
    {
        var feed = _feeds[index];
        await feed.Gate.WaitAsync(cancellationToken);
        try
        {
            if (feed.Filling)
            {
                feed.Pending.Add(trade);
                return;
            }

            var last = feed.LastEmitted;
            if (last >= 0 && trade.AggId <= last)
            {
                feed.Duplicates++;
                return;
            }

            if (last >= 0 && trade.AggId > last + 1)
            {
                _log.GapDetected(feed.Symbol, last, trade.AggId);
                feed.Filling = true;
                feed.Pending.Add(trade);
                _fillRequests.Writer.TryWrite(index);
                return;
            }

            await EmitAsync(feed, trade, cancellationToken);
        }
        finally
        {
            feed.Gate.Release();
        }
    }

    /// <summary>Caller holds the gate.</summary>
    private ValueTask EmitAsync(SymbolFeed feed, AggTrade trade, CancellationToken cancellationToken)
    {
        feed.LastEmitted = trade.AggId;
        feed.Emitted++;
        var ev = MarketEvent.ForTrade(feed.Symbol, trade);
        return _output.TryWrite(ev) ? ValueTask.CompletedTask : _output.WriteAsync(ev, cancellationToken);
    }

    private async Task FillLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var index in _fillRequests.Reader.ReadAllAsync(cancellationToken))
            {
                await FillAsync(_feeds[index], cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// REST fill of one symbol (its Filling flag is set): pages of aggTrades from LastEmitted + 1 until caught up with
    /// the buffered WebSocket trades (or with the present), then releases the buffer. -4166 (older than 2 days) and
    /// repeated failures end as a permanent gap, never an endless retry.
    /// </summary>
    internal async Task FillAsync(SymbolFeed feed, CancellationToken cancellationToken)
    {
        var caughtUp = false;
        var failures = 0;
        long filled = 0;
        var status = Status.Stream(MarketStream);
        while (true)
        {
            long from;
            long stopAt;
            await feed.Gate.WaitAsync(cancellationToken);
            try
            {
                if (feed.LastEmitted < 0)
                {
                    await ReleasePendingAsync(feed, cancellationToken);
                    return;
                }

                await DrainContiguousAsync(feed, cancellationToken);
                if (feed.Pending.Count == 0 && caughtUp)
                {
                    feed.Filling = false;
                    if (filled > 0)
                    {
                        status.OnGapFilled(filled);
                        _log.GapFilled(feed.Symbol, filled, feed.LastEmitted);
                    }

                    return;
                }

                from = feed.LastEmitted + 1;
                stopAt = feed.Pending.Count > 0 ? feed.Pending[0].AggId - 1 : long.MaxValue;
            }
            finally
            {
                feed.Gate.Release();
            }

            IReadOnlyList<AggTrade> page;
            try
            {
                page = await _rest.GetAggTradesAsync(feed.Symbol, from, null, _options.AggTradesPageLimit, cancellationToken);
            }
            catch (BinanceApiException e) when (e.IsHistoryWindowExceeded)
            {
                await PermanentGapAsync(feed, e.Message, cancellationToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (++failures >= _options.MaxGapFillAttempts)
                {
                    await PermanentGapAsync(feed, e.Message, cancellationToken);
                    return;
                }

                await Task.Delay(_options.ReconnectInitialDelay * failures, _time, cancellationToken);
                continue;
            }

            await feed.Gate.WaitAsync(cancellationToken);
            try
            {
                foreach (var trade in page)
                {
                    if (trade.AggId > feed.LastEmitted && trade.AggId <= stopAt)
                    {
                        await EmitAsync(feed, trade, cancellationToken);
                        filled++;
                    }
                }

                caughtUp = page.Count < _options.AggTradesPageLimit || (page.Count > 0 && page[^1].AggId >= stopAt);
                if (page.Count == 0 && stopAt != long.MaxValue)
                {
                    // REST has nothing yet although the WebSocket is ahead: give it a moment, then give up on the hole.
                    if (++failures >= _options.MaxGapFillAttempts)
                    {
                        await PermanentGapLockedAsync(feed, "REST has no trades for the hole", cancellationToken);
                        return;
                    }
                }
            }
            finally
            {
                feed.Gate.Release();
            }

            if (page.Count == 0 && stopAt != long.MaxValue)
            {
                await Task.Delay(_options.ReconnectInitialDelay, _time, cancellationToken);
            }
        }
    }

    private async Task PermanentGapAsync(SymbolFeed feed, string reason, CancellationToken cancellationToken)
    {
        await feed.Gate.WaitAsync(cancellationToken);
        try
        {
            await PermanentGapLockedAsync(feed, reason, cancellationToken);
        }
        finally
        {
            feed.Gate.Release();
        }
    }

    /// <summary>Caller holds the gate: skips the hole, resumes at the first buffered WebSocket trade (or the next live one).</summary>
    private async Task PermanentGapLockedAsync(SymbolFeed feed, string reason, CancellationToken cancellationToken)
    {
        var status = Status.Stream(MarketStream);
        status.OnPermanentGap();
        status.LastError = $"{feed.Symbol}: permanent gap after agg_id {feed.LastEmitted}: {reason}";
        _log.PermanentGap(feed.Symbol, feed.LastEmitted, reason);
        SortPending(feed);
        feed.LastEmitted = feed.Pending.Count > 0 ? Math.Max(feed.LastEmitted, feed.Pending[0].AggId - 1) : -1;
        await ReleasePendingAsync(feed, cancellationToken);
    }

    /// <summary>Caller holds the gate: emits every buffered trade above LastEmitted in order and ends the fill.</summary>
    private async Task ReleasePendingAsync(SymbolFeed feed, CancellationToken cancellationToken)
    {
        SortPending(feed);
        foreach (var trade in feed.Pending)
        {
            if (feed.LastEmitted >= 0 && trade.AggId <= feed.LastEmitted)
            {
                feed.Duplicates++;
                continue;
            }

            await EmitAsync(feed, trade, cancellationToken);
        }

        feed.Pending.Clear();
        feed.Filling = false;
    }

    /// <summary>Caller holds the gate: emits the buffered trades that continue LastEmitted without a hole, drops duplicates.</summary>
    private async Task DrainContiguousAsync(SymbolFeed feed, CancellationToken cancellationToken)
    {
        SortPending(feed);
        var taken = 0;
        foreach (var trade in feed.Pending)
        {
            if (trade.AggId <= feed.LastEmitted)
            {
                feed.Duplicates++;
            }
            else if (trade.AggId == feed.LastEmitted + 1)
            {
                await EmitAsync(feed, trade, cancellationToken);
            }
            else
            {
                break;
            }

            taken++;
        }

        feed.Pending.RemoveRange(0, taken);
    }

    private static void SortPending(SymbolFeed feed)
    {
        var pending = feed.Pending;
        for (var i = 1; i < pending.Count; i++)
        {
            if (pending[i].AggId < pending[i - 1].AggId)
            {
                pending.Sort(static (a, b) => a.AggId.CompareTo(b.AggId));
                return;
            }
        }
    }

    /// <summary>Every interval: a REST trade after the last emitted one that is older than the grace was missed → fill.</summary>
    private async Task ContinuityLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ContinuityCheckInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                for (var i = 0; i < _feeds.Length; i++)
                {
                    await CheckContinuityAsync(i, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    internal async Task CheckContinuityAsync(int index, CancellationToken cancellationToken)
    {
        var feed = _feeds[index];
        long last;
        await feed.Gate.WaitAsync(cancellationToken);
        try
        {
            if (feed.Filling || feed.LastEmitted < 0)
            {
                return;
            }

            last = feed.LastEmitted;
        }
        finally
        {
            feed.Gate.Release();
        }

        bool missed;
        long next = last + 1;
        try
        {
            var page = await _rest.GetAggTradesAsync(feed.Symbol, last + 1, null, 1, cancellationToken);
            var cutoff = _time.GetUtcNow().ToUnixTimeMilliseconds() - (long)_options.ContinuityGrace.TotalMilliseconds;
            missed = page.Count > 0 && page[0].TimeMs < cutoff;
            if (page.Count > 0)
            {
                next = page[0].AggId;
            }
        }
        catch (BinanceApiException e) when (e.IsHistoryWindowExceeded)
        {
            missed = true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _log.PollFailed("continuity check", feed.Symbol, e.Message);
            return;
        }

        if (!missed)
        {
            return;
        }

        await feed.Gate.WaitAsync(cancellationToken);
        try
        {
            if (!feed.Filling && feed.LastEmitted == last)
            {
                _log.GapDetected(feed.Symbol, last, next);
                feed.Filling = true;
                _fillRequests.Writer.TryWrite(index);
            }
        }
        finally
        {
            feed.Gate.Release();
        }
    }

    // ---------------------------------------------------------------- features

    private async ValueTask OnMarkPriceAsync(SymbolFeed feed, FundingSnapshot funding, CancellationToken cancellationToken)
    {
        double? divergence;
        lock (feed.FeatureLock)
        {
            feed.Mark = funding.MarkPrice;
            divergence = ThrottledDivergence(feed);
        }

        await WriteAsync(MarketEvent.ForFunding(funding), cancellationToken);
        await WriteFeatureAsync(feed.Symbol, FeatureKey.FundingRate, funding.FundingRate, funding.TimeMs, cancellationToken);
        if (divergence is { } d)
        {
            await WriteFeatureAsync(feed.Symbol, FeatureKey.SpotPerpDivergence, d, funding.TimeMs, cancellationToken);
        }
    }

    private async ValueTask OnSpotBookAsync(SymbolFeed feed, double bid, double ask, CancellationToken cancellationToken)
    {
        double? divergence;
        lock (feed.FeatureLock)
        {
            feed.SpotBid = bid;
            feed.SpotAsk = ask;
            divergence = ThrottledDivergence(feed);
        }

        if (divergence is { } d)
        {
            await WriteFeatureAsync(feed.Symbol, FeatureKey.SpotPerpDivergence, d, _time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        }
    }

    /// <summary>Caller holds the feature lock.</summary>
    private double? ThrottledDivergence(SymbolFeed feed)
    {
        var value = BinanceFrameParser.SpotPerpDivergence(feed.SpotBid, feed.SpotAsk, feed.Mark);
        if (value is null)
        {
            return null;
        }

        var now = _time.GetTimestamp();
        if (feed.LastDivergenceTicks != long.MinValue && _time.GetElapsedTime(feed.LastDivergenceTicks, now) < _options.FeatureThrottle)
        {
            return null;
        }

        feed.LastDivergenceTicks = now;
        return value;
    }

    private async ValueTask OnDepthAsync(SymbolFeed feed, long eventTimeMs, double bids, double asks, CancellationToken cancellationToken)
    {
        var obi = BinanceFrameParser.OrderBookImbalance(bids, asks);
        if (obi is null)
        {
            return;
        }

        lock (feed.FeatureLock)
        {
            var now = _time.GetTimestamp();
            if (feed.LastObiTicks != long.MinValue && _time.GetElapsedTime(feed.LastObiTicks, now) < _options.FeatureThrottle)
            {
                return;
            }

            feed.LastObiTicks = now;
        }

        var time = eventTimeMs > 0 ? eventTimeMs : _time.GetUtcNow().ToUnixTimeMilliseconds();
        await WriteFeatureAsync(feed.Symbol, FeatureKey.ObiDepth10, obi.Value, time, cancellationToken);
    }

    private async ValueTask OnLiquidationAsync(SymbolFeed feed, Liquidation liquidation, CancellationToken cancellationToken)
    {
        double longUsd, shortUsd;
        lock (feed.FeatureLock)
        {
            feed.Liquidations.Add(liquidation);
            (longUsd, shortUsd) = (feed.Liquidations.LongUsd, feed.Liquidations.ShortUsd);
        }

        await WriteAsync(MarketEvent.ForLiquidation(liquidation), cancellationToken);
        await WriteFeatureAsync(feed.Symbol, FeatureKey.LongLiqUsd, longUsd, liquidation.TimeMs, cancellationToken);
        await WriteFeatureAsync(feed.Symbol, FeatureKey.ShortLiqUsd, shortUsd, liquidation.TimeMs, cancellationToken);
    }

    /// <summary>Re-emits the rolling sums when liquidations age out of the window (so the sums fall back to 0).</summary>
    internal async Task SweepLiquidationsAsync(CancellationToken cancellationToken)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var feed in _feeds)
        {
            double longUsd, shortUsd;
            lock (feed.FeatureLock)
            {
                if (!feed.Liquidations.EvictOlderThan(nowMs))
                {
                    continue;
                }

                (longUsd, shortUsd) = (feed.Liquidations.LongUsd, feed.Liquidations.ShortUsd);
            }

            await WriteFeatureAsync(feed.Symbol, FeatureKey.LongLiqUsd, longUsd, nowMs, cancellationToken);
            await WriteFeatureAsync(feed.Symbol, FeatureKey.ShortLiqUsd, shortUsd, nowMs, cancellationToken);
        }
    }

    private async Task LiquidationSweepLoopAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromTicks(Math.Clamp(_options.LiquidationWindow.Ticks / 10, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        using var timer = new PeriodicTimer(period, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await SweepLiquidationsAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    // ---------------------------------------------------------------- REST poll

    private async Task PollLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                foreach (var feed in _feeds)
                {
                    await PollSymbolAsync(feed.Symbol, cancellationToken);
                }

                await Task.Delay(_options.PollInterval, _time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One poll of the REST indicators of <paramref name="symbol"/>; each endpoint fails on its own.</summary>
    internal async Task PollSymbolAsync(string symbol, CancellationToken cancellationToken)
    {
        var period = _options.DataPeriod;
        await PollOneAsync("openInterestHist", symbol, async () =>
        {
            var rows = await _rest.GetOpenInterestHistAsync(symbol, period, 1, cancellationToken);
            if (rows.Count > 0)
            {
                await WriteFeatureAsync(symbol, FeatureKey.OpenInterestHist, rows[^1].SumOpenInterestValue, rows[^1].TimeMs, cancellationToken);
            }
        });
        await PollOneAsync("globalLongShortAccountRatio", symbol, async () =>
        {
            var rows = await _rest.GetGlobalLongShortAccountRatioAsync(symbol, period, 1, cancellationToken);
            if (rows.Count > 0)
            {
                await WriteFeatureAsync(symbol, FeatureKey.LongShortRatio, rows[^1].LongShortRatio, rows[^1].TimeMs, cancellationToken);
            }
        });
        await PollOneAsync("topLongShortPositionRatio", symbol, async () =>
        {
            var rows = await _rest.GetTopLongShortPositionRatioAsync(symbol, period, 1, cancellationToken);
            if (rows.Count > 0)
            {
                await WriteFeatureAsync(symbol, FeatureKey.TopTraderPosition, rows[^1].LongAccount, rows[^1].TimeMs, cancellationToken);
            }
        });
        await PollOneAsync("premiumIndex", symbol, async () =>
        {
            var funding = await _rest.GetPremiumIndexAsync(symbol, cancellationToken);
            await WriteAsync(MarketEvent.ForFunding(funding with { Symbol = symbol }), cancellationToken);
            await WriteFeatureAsync(symbol, FeatureKey.FundingRate, funding.FundingRate, funding.TimeMs, cancellationToken);
        });
    }

    private async Task PollOneAsync(string what, string symbol, Func<Task> poll)
    {
        try
        {
            await poll();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.PollFailed(what, symbol, e.Message);
            Status.Stream(RestStream).LastError = $"{what} {symbol}: {e.Message}";
        }
    }

    // ---------------------------------------------------------------- output

    private ValueTask WriteFeatureAsync(string symbol, FeatureKey key, double value, long timeMs, CancellationToken cancellationToken) =>
        FeatureKeys.IsInRange(key, value) ? WriteAsync(MarketEvent.ForFeature(symbol, key, value, timeMs), cancellationToken) : ValueTask.CompletedTask;

    private ValueTask WriteAsync(MarketEvent ev, CancellationToken cancellationToken) =>
        _output.TryWrite(ev) ? ValueTask.CompletedTask : _output.WriteAsync(ev, cancellationToken);

    private sealed class NullWriter : ChannelWriter<MarketEvent>
    {
        public static readonly NullWriter Instance = new();

        public override bool TryWrite(MarketEvent item) => true;

        public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(true);
    }
}
