namespace ArbitrageEngine.Engine.Market.Binance;

/// <summary>
/// Configuration of the Binance USDⓈ-M live connector (binance.md). Every URL is configurable so tests point
/// the connector at the local fake server; every default below is the production value.
/// </summary>
public sealed record BinanceOptions
{
    /// <summary>Perpetual symbols (upper case, e.g. "BTCUSDT"). Default: BTCUSDT.</summary>
    public IReadOnlyList<string> Symbols { get; init; } = ["BTCUSDT"];

    /// <summary>Spot symbol per perpetual symbol for the spot bookTicker when it differs (e.g. 1000PEPEUSDT → PEPEUSDT). Default: same name.</summary>
    public IReadOnlyDictionary<string, string> SpotSymbols { get; init; } = new Dictionary<string, string>();

    /// <summary>Futures REST base. Default https://fapi.binance.com.</summary>
    public Uri RestBaseUrl { get; init; } = new("https://fapi.binance.com");

    /// <summary>Spot REST base. Default https://api.binance.com (reserved; the connector needs no spot REST today).</summary>
    public Uri SpotRestBaseUrl { get; init; } = new("https://api.binance.com");

    /// <summary>Combined market streams (aggTrade, forceOrder, markPrice). Default wss://fstream.binance.com/market/stream.</summary>
    public Uri MarketStreamUrl { get; init; } = new("wss://fstream.binance.com/market/stream");

    /// <summary>Combined order-book streams (depth10). Default wss://fstream.binance.com/public/stream.</summary>
    public Uri PublicStreamUrl { get; init; } = new("wss://fstream.binance.com/public/stream");

    /// <summary>Spot combined streams (bookTicker). Default wss://stream.binance.com:9443/stream.</summary>
    public Uri SpotStreamUrl { get; init; } = new("wss://stream.binance.com:9443/stream");

    /// <summary>Open the public (depth10) connection. Default true.</summary>
    public bool EnablePublicStream { get; init; } = true;

    /// <summary>Open the spot (bookTicker) connection. Default true.</summary>
    public bool EnableSpotStream { get; init; } = true;

    /// <summary>Run the 5-minute REST poll (open interest, ratios, funding). Default true.</summary>
    public bool EnableRestPolling { get; init; } = true;

    /// <summary>WebSocket connect timeout. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection without any data frame for this long is dead and reconnected. Default 30 s.</summary>
    public TimeSpan SilenceTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reconnect proactively after this connection age (Binance closes at 24 h). Default 23 h.</summary>
    public TimeSpan ProactiveReconnectAfter { get; init; } = TimeSpan.FromHours(23);

    /// <summary>First reconnect delay; doubles per failed attempt. Default 1 s.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Reconnect delay cap. Default 60 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Relative jitter applied to every back-off delay (0.2 = ±20 %). Default 0.2.</summary>
    public double ReconnectJitter { get; init; } = 0.2;

    /// <summary>How often the REST continuity check looks for agg_ids the WebSocket missed. Default 60 s.</summary>
    public TimeSpan ContinuityCheckInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A REST trade after the last emitted one that is older than this was missed by the WebSocket. Default 5 s.</summary>
    public TimeSpan ContinuityGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>REST poll interval for open interest, long/short ratios and funding. Default 5 min.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Period parameter of the futures/data endpoints. Default "5m".</summary>
    public string DataPeriod { get; init; } = "5m";

    /// <summary>Binance request-weight limit per UTC clock minute. Default 2400.</summary>
    public int WeightLimitPerMinute { get; init; } = 2400;

    /// <summary>Fraction of the weight limit kept free: requests wait for the next minute beyond (1 − margin) × limit. Default 0.1.</summary>
    public double WeightSafetyMargin { get; init; } = 0.1;

    /// <summary>aggTrades page size for gap fills (Binance maximum 1000). Default 1000.</summary>
    public int AggTradesPageLimit { get; init; } = 1000;

    /// <summary>Attempts of one REST request (429/418/5xx/network) before it fails. Default 3.</summary>
    public int RestMaxAttempts { get; init; } = 3;

    /// <summary>Wait after a 429/418 without a Retry-After header. Default 60 s.</summary>
    public TimeSpan DefaultRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>REST request timeout. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Failed fill rounds (transient errors, REST behind the WebSocket) before a gap is declared permanent. Default 5.</summary>
    public int MaxGapFillAttempts { get; init; } = 5;

    /// <summary>
    /// Minimum spacing of obi_depth_10 and spot_perp_divergence emissions per symbol (~10 Hz). Default 90 ms: every
    /// depth10@100ms frame passes despite arrival jitter, while bookTicker bursts are cut to ~11 Hz.
    /// </summary>
    public TimeSpan FeatureThrottle { get; init; } = TimeSpan.FromMilliseconds(90);

    /// <summary>Rolling window of the long_liq_usd / short_liq_usd sums. Default 5 min.</summary>
    public TimeSpan LiquidationWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>At most one malformed-frame log line per stream per this interval (all are counted). Default 10 s.</summary>
    public TimeSpan MalformedLogInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Initial WebSocket receive buffer (grows for larger frames). Default 16 KiB.</summary>
    public int ReceiveBufferSize { get; init; } = 16 * 1024;

    /// <summary>
    /// Last agg_id already stored per symbol (e.g. from agg_trades_meta): the connector gap-fills from the next id on
    /// start. Empty (default) = start at the first live trade.
    /// </summary>
    public IReadOnlyDictionary<string, long> ResumeAfterAggId { get; init; } = new Dictionary<string, long>();

    internal string SpotSymbolOf(string symbol) => SpotSymbols.TryGetValue(symbol, out var spot) ? spot : symbol;
}
