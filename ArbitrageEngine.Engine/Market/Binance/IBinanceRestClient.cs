namespace ArbitrageEngine.Engine.Market.Binance;

/// <summary>Binance USDⓈ-M public REST endpoints used by the connector (binance.md "REST").</summary>
public interface IBinanceRestClient
{
    /// <summary>GET /fapi/v1/aggTrades: by <paramref name="fromId"/> (inclusive) or <paramref name="startTimeMs"/>, at most 1000 rows, ascending.</summary>
    /// <exception cref="BinanceApiException">Binance refused the request (e.g. code -4166 outside the 2-day window).</exception>
    Task<IReadOnlyList<AggTrade>> GetAggTradesAsync(string symbol, long? fromId, long? startTimeMs, int limit, CancellationToken cancellationToken);

    /// <summary>GET /fapi/v1/premiumIndex?symbol=: mark, index, last funding rate, next funding time.</summary>
    Task<FundingSnapshot> GetPremiumIndexAsync(string symbol, CancellationToken cancellationToken);

    /// <summary>GET /fapi/v1/fundingRate: settled funding rates, ascending.</summary>
    Task<IReadOnlyList<FundingRateRow>> GetFundingRatesAsync(string symbol, long? startTimeMs, int limit, CancellationToken cancellationToken);

    /// <summary>GET /futures/data/openInterestHist.</summary>
    Task<IReadOnlyList<OpenInterestRow>> GetOpenInterestHistAsync(string symbol, string period, int limit, CancellationToken cancellationToken);

    /// <summary>GET /futures/data/globalLongShortAccountRatio.</summary>
    Task<IReadOnlyList<LongShortRatioRow>> GetGlobalLongShortAccountRatioAsync(string symbol, string period, int limit, CancellationToken cancellationToken);

    /// <summary>GET /futures/data/topLongShortPositionRatio.</summary>
    Task<IReadOnlyList<LongShortRatioRow>> GetTopLongShortPositionRatioAsync(string symbol, string period, int limit, CancellationToken cancellationToken);
}

/// <summary>One settled funding rate; <see cref="MarkPrice"/> is null where Binance sends "" (before ~2022).</summary>
public sealed record FundingRateRow(string Symbol, long FundingTimeMs, double FundingRate, double? MarkPrice);

/// <summary>One openInterestHist row (<see cref="SumOpenInterestValue"/> is USD).</summary>
public sealed record OpenInterestRow(string Symbol, long TimeMs, double SumOpenInterest, double SumOpenInterestValue);

/// <summary>One long/short ratio row (global accounts or top-trader positions).</summary>
public sealed record LongShortRatioRow(string Symbol, long TimeMs, double LongShortRatio, double LongAccount, double ShortAccount);

/// <summary>A Binance error answer: HTTP status plus the body's <c>code</c>/<c>msg</c>.</summary>
public sealed class BinanceApiException(int httpStatus, int code, string message) : Exception($"Binance HTTP {httpStatus} code {code}: {message}")
{
    /// <summary>aggTrades older than the 2-day REST window.</summary>
    public const int HistoryWindowCode = -4166;

    public int HttpStatus { get; } = httpStatus;

    public int Code { get; } = code;

    public bool IsHistoryWindowExceeded => Code == HistoryWindowCode;
}
