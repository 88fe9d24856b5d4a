using ArbitrageEngine.Engine.Market.Binance;

namespace ArbitrageEngine.Engine.Funding;

/// <summary>
/// Back-fills the settled funding-rate history from Binance REST (<c>/fapi/v1/fundingRate</c>, pages of 1000 by
/// <c>startTime</c>). Resumable: it always continues after the latest stored settlement, so an interrupted run (or the
/// next hourly run) picks up where the table ends. Weight-limited: every request goes through the REST client's weight
/// governor, and pages are spaced by <paramref name="pageDelay"/>.
/// </summary>
public sealed class FundingBackfill(IBinanceRestClient rest, FundingRateStore store, TimeProvider clock, TimeSpan pageDelay)
{
    public const int PageSize = 1000;

    /// <summary>Binance USDⓈ-M perpetuals started in September 2019: nothing is older.</summary>
    public static readonly long DefaultStartMs = new DateTimeOffset(2019, 9, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>Fetches every settlement after the stored history; returns the rows added.</summary>
    public async Task<long> RunAsync(string symbol, long? startMs, CancellationToken cancellationToken)
    {
        var last = await store.LastTimeAsync(symbol, cancellationToken).ConfigureAwait(false);
        var from = last is { } t ? t + 1 : startMs ?? DefaultStartMs;
        long added = 0;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        while (from <= now)
        {
            var page = await rest.GetFundingRatesAsync(symbol, from, PageSize, cancellationToken).ConfigureAwait(false);
            var rows = page.Where(r => r.FundingTimeMs >= from)
                .Select(r => new FundingSettlement(FundingSettlement.RoundToSettlement(r.FundingTimeMs), r.FundingRate))
                .ToList();
            if (rows.Count == 0)
            {
                break;
            }

            added += (await store.WriteAsync(symbol, rows, "rest", cancellationToken).ConfigureAwait(false)).Inserted;
            // Continue after the raw time of the page's last row (the rounded time may be a few ms earlier).
            from = page.Max(r => r.FundingTimeMs) + 1;
            if (page.Count < PageSize)
            {
                break;
            }

            if (pageDelay > TimeSpan.Zero)
            {
                await Task.Delay(pageDelay, clock, cancellationToken).ConfigureAwait(false);
            }
        }

        return added;
    }
}
