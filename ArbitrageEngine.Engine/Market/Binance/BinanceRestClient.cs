using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ArbitrageEngine.Engine.Market.Binance;

/// <summary>
/// HttpClient-based <see cref="IBinanceRestClient"/>. Every request goes through the <see cref="BinanceWeightGovernor"/>;
/// 429 and 418 pause all REST for Retry-After (the request is then retried, at most <see cref="BinanceOptions.RestMaxAttempts"/> times);
/// 4xx errors throw <see cref="BinanceApiException"/> without retry.
/// </summary>
public sealed class BinanceRestClient(HttpClient http, BinanceOptions options, TimeProvider? time = null, ILogger? logger = null, StreamStatus? status = null)
    : IBinanceRestClient
{
    private const int AggTradesWeight = 20;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _log = logger ?? NullLogger.Instance;

    public BinanceWeightGovernor Governor { get; } = new(options, time ?? TimeProvider.System);

    /// <summary>An HttpClient suited to the connector (pooled connections recycled every 5 min, decompression, timeout).</summary>
    // The client owns and disposes its handler (disposeHandler defaults to true).
#pragma warning disable CA2000
    public static HttpClient CreateHttpClient(BinanceOptions options) =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.All })
        {
            Timeout = options.RequestTimeout,
        };
#pragma warning restore CA2000

    public async Task<IReadOnlyList<AggTrade>> GetAggTradesAsync(string symbol, long? fromId, long? startTimeMs, int limit, CancellationToken cancellationToken)
    {
        var query = $"/fapi/v1/aggTrades?symbol={symbol}&limit={Math.Clamp(limit, 1, 1000)}";
        if (fromId is { } id)
        {
            query += "&fromId=" + id.ToString(CultureInfo.InvariantCulture);
        }

        if (startTimeMs is { } start)
        {
            query += "&startTime=" + start.ToString(CultureInfo.InvariantCulture);
        }

        var body = await GetAsync(options.RestBaseUrl, query, AggTradesWeight, cancellationToken);
        return BinanceRestParser.ParseAggTrades(body);
    }

    public async Task<FundingSnapshot> GetPremiumIndexAsync(string symbol, CancellationToken cancellationToken)
    {
        var body = await GetAsync(options.RestBaseUrl, $"/fapi/v1/premiumIndex?symbol={symbol}", 1, cancellationToken);
        return BinanceRestParser.ParsePremiumIndex(body, symbol);
    }

    public async Task<IReadOnlyList<FundingRateRow>> GetFundingRatesAsync(string symbol, long? startTimeMs, int limit, CancellationToken cancellationToken)
    {
        var query = $"/fapi/v1/fundingRate?symbol={symbol}&limit={Math.Clamp(limit, 1, 1000)}";
        if (startTimeMs is { } start)
        {
            query += "&startTime=" + start.ToString(CultureInfo.InvariantCulture);
        }

        return BinanceRestParser.ParseFundingRates(await GetAsync(options.RestBaseUrl, query, 1, cancellationToken));
    }

    public async Task<IReadOnlyList<OpenInterestRow>> GetOpenInterestHistAsync(string symbol, string period, int limit, CancellationToken cancellationToken) =>
        BinanceRestParser.ParseOpenInterestHist(await GetAsync(options.RestBaseUrl, $"/futures/data/openInterestHist?symbol={symbol}&period={period}&limit={Math.Clamp(limit, 1, 500)}", 1, cancellationToken));

    public async Task<IReadOnlyList<LongShortRatioRow>> GetGlobalLongShortAccountRatioAsync(string symbol, string period, int limit, CancellationToken cancellationToken) =>
        BinanceRestParser.ParseLongShortRatios(await GetAsync(options.RestBaseUrl, $"/futures/data/globalLongShortAccountRatio?symbol={symbol}&period={period}&limit={Math.Clamp(limit, 1, 500)}", 1, cancellationToken));

    public async Task<IReadOnlyList<LongShortRatioRow>> GetTopLongShortPositionRatioAsync(string symbol, string period, int limit, CancellationToken cancellationToken) =>
        BinanceRestParser.ParseLongShortRatios(await GetAsync(options.RestBaseUrl, $"/futures/data/topLongShortPositionRatio?symbol={symbol}&period={period}&limit={Math.Clamp(limit, 1, 500)}", 1, cancellationToken));

    private async Task<byte[]> GetAsync(Uri baseUrl, string pathAndQuery, int weight, CancellationToken cancellationToken)
    {
        var uri = new Uri(baseUrl, pathAndQuery);
        var path = pathAndQuery.Split('?')[0];
        Exception? last = null;
        for (var attempt = 1; attempt <= Math.Max(1, options.RestMaxAttempts); attempt++)
        {
            await Governor.WaitTurnAsync(weight, cancellationToken);
            HttpResponseMessage response;
            try
            {
                response = await http.GetAsync(uri, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                last = e;
                Failed(path, attempt, e.Message);
                await Task.Delay(options.ReconnectInitialDelay * attempt, _time, cancellationToken);
                continue;
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                last = e;
                Failed(path, attempt, "timeout");
                continue;
            }

            using (response)
            {
                if (response.Headers.TryGetValues("X-MBX-USED-WEIGHT-1M", out var values)
                    && int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var used))
                {
                    Governor.OnUsedWeight(used);
                }

                var httpStatus = (int)response.StatusCode;
                if (httpStatus is 429 or 418)
                {
                    var retryAfter = RetryAfter(response);
                    Governor.BlockUntil(_time.GetUtcNow() + retryAfter);
                    _log.RateLimited(path, httpStatus, (long)retryAfter.TotalMilliseconds);
                    last = new BinanceApiException(httpStatus, -1003, httpStatus == 418 ? "IP banned (418)" : "too many requests (429)");
                    SetError(last.Message);
                    continue;
                }

                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    MarkOk();
                    return body;
                }

                var (code, message) = BinanceRestParser.ParseError(body);
                var error = new BinanceApiException(httpStatus, code, message);
                SetError(error.Message);
                if (httpStatus >= 500)
                {
                    last = error;
                    Failed(path, attempt, error.Message);
                    await Task.Delay(options.ReconnectInitialDelay * attempt, _time, cancellationToken);
                    continue;
                }

                throw error;
            }
        }

        throw last ?? new InvalidOperationException("no attempt made");
    }

    private void MarkOk()
    {
        if (status is not null)
        {
            status.State = StreamState.Connected;
            status.OnFrame(_time.GetUtcNow().ToUnixTimeMilliseconds());
        }
    }

    private TimeSpan RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return options.DefaultRetryAfter;
    }

    private void Failed(string path, int attempt, string error)
    {
        _log.RestFailed(path, attempt, error);
        SetError(error);
    }

    private void SetError(string error)
    {
        if (status is not null)
        {
            status.LastError = error;
        }
    }
}
