using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Paper;

/// <summary>A closed paper trade as statistics need it (from the broker, the database or a backtest).</summary>
public sealed record ClosedTrade(
    Guid StrategyId,
    string Symbol,
    TradeDirection Direction,
    double Score,
    PositionStatus Status,
    long EntryTimeMs,
    long ExitTimeMs,
    double PnlR,
    double PnlUsdt,
    double GrossR,
    double FeeR)
{
    public static ClosedTrade From(PaperPosition p) => new(
        p.StrategyId, p.Symbol, p.Direction, p.Score, p.Status, p.EntryTimeMs,
        p.ExitTimeMs ?? throw new InvalidOperationException("position is not closed"),
        p.PnlR ?? 0, p.PnlUsdt ?? 0, p.GrossR ?? 0, p.FeeR ?? 0);
}

/// <summary>Count and net R of one group of trades.</summary>
public sealed record StatBucket(string Key, int Count, int Wins, double NetR, double NetUsdt)
{
    public double WinRate => Count == 0 ? 0 : (double)Wins / Count;
}

/// <summary>The statistics of engine.md §6.4 over closed trades.</summary>
public sealed record PaperStatistics
{
    public int TradeCount { get; init; }
    public int Wins { get; init; }
    public int Losses { get; init; }
    public double WinRate { get; init; }
    public double NetR { get; init; }
    public double NetUsdt { get; init; }
    public double AvgWinR { get; init; }

    /// <summary>Average losing trade in R (a negative number, 0 without losses).</summary>
    public double AvgLossR { get; init; }

    /// <summary>Σwins / |Σlosses|; +∞ with wins and no losses (shown as "—"), 0 without trades.</summary>
    public double ProfitFactor { get; init; }
    public double MaxDrawdownR { get; init; }

    /// <summary>Mean / sample standard deviation of per-trade R; null with fewer than two trades or no dispersion.</summary>
    public double? Sharpe { get; init; }
    public double StdR { get; init; }
    public int LongCount { get; init; }
    public double LongWinRate { get; init; }
    public int ShortCount { get; init; }
    public double ShortWinRate { get; init; }
    public double PnlR24h { get; init; }
    public double PnlUsdt24h { get; init; }
    public double AvgHoldMinutes { get; init; }
    public double GrossR { get; init; }
    public double FeesR { get; init; }
    public IReadOnlyList<StatBucket> ByStatus { get; init; } = [];
    public IReadOnlyList<StatBucket> ByScoreBucket { get; init; } = [];

    /// <summary>24 buckets, hour of day of the exit in Beijing time (UTC+8).</summary>
    public IReadOnlyList<StatBucket> ByHourBeijing { get; init; } = [];

    public static PaperStatistics Empty { get; } = Compute([], 0);

    /// <summary>The "all coins" tab of the per-coin statistics.</summary>
    public const string AllCoins = "ALL";

    /// <summary>Tabs of the per-coin statistics (as the original tool): all trades, then each traded coin.</summary>
    public static IReadOnlyList<string> Coins { get; } = [AllCoins, "BTC", "ETH", "XRP", "SOL"];

    /// <summary>"BTCUSDT" → "BTC" (the quote asset is always USDT here).</summary>
    public static string CoinOf(string symbol) =>
        symbol.EndsWith("USDT", StringComparison.OrdinalIgnoreCase) ? symbol[..^4].ToUpperInvariant() : symbol.ToUpperInvariant();

    /// <summary>The trades of one coin tab (<see cref="AllCoins"/> keeps every trade).</summary>
    public static IEnumerable<ClosedTrade> ForCoin(IEnumerable<ClosedTrade> trades, string coin) =>
        string.Equals(coin, AllCoins, StringComparison.OrdinalIgnoreCase) ? trades : trades.Where(t => string.Equals(CoinOf(t.Symbol), coin, StringComparison.OrdinalIgnoreCase));

    /// <summary>Statistics per coin tab, in <see cref="Coins"/> order (a coin without trades gets empty statistics).</summary>
    public static IReadOnlyList<(string Coin, PaperStatistics Stats)> PerCoin(IReadOnlyCollection<ClosedTrade> trades, long nowMs) =>
        [.. Coins.Select(c => (c, Compute(ForCoin(trades, c), nowMs)))];

    /// <summary>
    /// The one statistics function, used by the UI, the API and backtests. <paramref name="nowMs"/> anchors the
    /// 24 h figures. Trades are ordered by exit time for the drawdown curve.
    /// </summary>
    public static PaperStatistics Compute(IEnumerable<ClosedTrade> trades, long nowMs)
    {
        var list = trades.OrderBy(t => t.ExitTimeMs).ThenBy(t => t.EntryTimeMs).ToList();
        var n = list.Count;
        double sumWin = 0, sumLoss = 0, net = 0, netUsdt = 0, gross = 0, fees = 0, r24 = 0, u24 = 0, hold = 0;
        int wins = 0, losses = 0, longs = 0, longWins = 0, shorts = 0, shortWins = 0;
        double cum = 0, peak = 0, maxDd = 0;
        foreach (var t in list)
        {
            var win = t.PnlR > 0;
            if (win)
            {
                wins++;
                sumWin += t.PnlR;
            }
            else if (t.PnlR < 0)
            {
                losses++;
                sumLoss += t.PnlR;
            }

            if (t.Direction == TradeDirection.Long)
            {
                longs++;
                longWins += win ? 1 : 0;
            }
            else
            {
                shorts++;
                shortWins += win ? 1 : 0;
            }

            net += t.PnlR;
            netUsdt += t.PnlUsdt;
            gross += t.GrossR;
            fees += t.FeeR;
            hold += (t.ExitTimeMs - t.EntryTimeMs) / 60_000.0;
            if (t.ExitTimeMs > nowMs - 86_400_000)
            {
                r24 += t.PnlR;
                u24 += t.PnlUsdt;
            }

            cum += t.PnlR;
            peak = Math.Max(peak, cum);
            maxDd = Math.Max(maxDd, peak - cum);
        }

        var mean = n > 0 ? net / n : 0;
        var variance = n > 1 ? list.Sum(t => (t.PnlR - mean) * (t.PnlR - mean)) / (n - 1) : 0;
        var std = Math.Sqrt(variance);

        return new PaperStatistics
        {
            TradeCount = n,
            Wins = wins,
            Losses = losses,
            WinRate = n == 0 ? 0 : (double)wins / n,
            NetR = net,
            NetUsdt = netUsdt,
            AvgWinR = wins == 0 ? 0 : sumWin / wins,
            AvgLossR = losses == 0 ? 0 : sumLoss / losses,
            ProfitFactor = sumLoss < 0 ? sumWin / -sumLoss : sumWin > 0 ? double.PositiveInfinity : 0,
            MaxDrawdownR = maxDd,
            Sharpe = n > 1 && std > 0 ? mean / std : null,
            StdR = std,
            LongCount = longs,
            LongWinRate = longs == 0 ? 0 : (double)longWins / longs,
            ShortCount = shorts,
            ShortWinRate = shorts == 0 ? 0 : (double)shortWins / shorts,
            PnlR24h = r24,
            PnlUsdt24h = u24,
            AvgHoldMinutes = n == 0 ? 0 : hold / n,
            GrossR = gross,
            FeesR = fees,
            ByStatus = Group(list, t => t.Status.Name(), [.. Enum.GetValues<PositionStatus>().Where(s => !s.IsOpen()).Select(s => s.Name())]),
            ByScoreBucket = Group(list, t => ScoreBucket(t.Score), ["<75", "75-79", "80-84", "85+"]),
            ByHourBeijing = Group(list, t => BeijingHour(t.ExitTimeMs).ToString("00", System.Globalization.CultureInfo.InvariantCulture), [.. Enumerable.Range(0, 24).Select(h => h.ToString("00", System.Globalization.CultureInfo.InvariantCulture))]),
        };
    }

    public static string ScoreBucket(double score) => score >= 85 ? "85+" : score >= 80 ? "80-84" : score >= 75 ? "75-79" : "<75";

    public static int BeijingHour(long timeMs) => (int)(((timeMs / 3_600_000) + 8) % 24 + 24) % 24;

    private static StatBucket[] Group(List<ClosedTrade> trades, Func<ClosedTrade, string> key, string[] keys)
    {
        var buckets = keys.ToDictionary(k => k, k => new StatBucket(k, 0, 0, 0, 0), StringComparer.Ordinal);
        foreach (var t in trades)
        {
            var k = key(t);
            var b = buckets.TryGetValue(k, out var existing) ? existing : new StatBucket(k, 0, 0, 0, 0);
            buckets[k] = b with { Count = b.Count + 1, Wins = b.Wins + (t.PnlR > 0 ? 1 : 0), NetR = b.NetR + t.PnlR, NetUsdt = b.NetUsdt + t.PnlUsdt };
        }

        return [.. buckets.Values];
    }
}
