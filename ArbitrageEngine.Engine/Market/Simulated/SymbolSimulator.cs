namespace ArbitrageEngine.Engine.Market.Simulated;

/// <summary>Market regime of the simulation: drives drift, flow bias, volatility and crowd positioning.</summary>
public enum SimulatedRegime
{
    Range,
    TrendUp,
    TrendDown,
    Volatile,
}

/// <summary>
/// One simulated perpetual. A latent log-price diffuses with regime-dependent drift and GARCH-like volatility
/// clustering; order flow (Poisson arrivals with bursts up to 20× base, side biased by the regime and a
/// persistent imbalance, Pareto sizes, whale clusters) pushes the price; features and liquidations follow the
/// price path. Steps of 100 ms.
/// </summary>
internal sealed class SymbolSimulator
{
    private const double SliceSeconds = 0.1;

    // Calibration against real daily ranges (README, "Simulated market calibration"): a regime's drift is
    // TrendShare of the 5-minute volatility per 5 minutes, and the price is pulled back towards a slowly following
    // anchor (half-life ReversionHalfLifeSeconds), so minutes and bursts stay lively while a day stays within a few
    // per cent instead of random-walking 15–50 %.
    private const double TrendShare = 0.3;
    private const double ReversionHalfLifeSeconds = 40 * 60;
    private const double AnchorTimeConstantSeconds = 24 * 3600;
    private static readonly double ReversionPerSlice = 1 - Math.Pow(0.5, SliceSeconds / ReversionHalfLifeSeconds);
    private readonly SimulatedSymbolProfile _p;
    private readonly Xoshiro _rng;
    private readonly double _rateMultiplier;

    private double _logPrice;
    private double _anchorLogPrice;         // slow EWMA of the log-price the reversion pulls towards
    private double _volMultiplier = 1;      // clustering: mean-reverting log-vol
    private double _flowImbalance;          // AR(1) in [-1, 1], persistent order-flow pressure
    private SimulatedRegime _regime = SimulatedRegime.Range;
    private double _regimeDrift;            // per second, log-price
    private double _burst = 1;              // arrival multiplier, decays to 1
    private int _whaleLeft;
    private bool _whaleBuys;
    private long _aggId;
    private long _lastTradeMs;
    private double _openInterest;
    private double _lsr = 1.1;
    private double _topLong = 0.5;
    private double _recentFlow;             // EWMA of signed qty share, feeds OBI
    private double _priceAtLastSecond;
    private double _lastSecondReturn;
    private long _nextFeatureSecond = long.MinValue;
    private long _nextSlowFeature = long.MinValue;
    private long _nextPremium = long.MinValue;
    private long _nextFundingTime;
    private double _fundingRate = 0.0001;
    private double _coinbasePremium;
    private long[] _times = new long[64];
    private readonly LiquidationWindow _liquidations = new();

    public SymbolSimulator(SimulatedSymbolProfile profile, ulong seed, double rateMultiplier, long startMs, SimulatedResume? resume = null)
    {
        _p = profile;
        _rateMultiplier = rateMultiplier;
        ulong h = 1469598103934665603UL;
        foreach (var c in profile.Symbol)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        _rng = new Xoshiro(seed ^ h);
        _logPrice = Math.Log(profile.StartPrice);
        _priceAtLastSecond = profile.StartPrice;
        _openInterest = profile.OpenInterestUsd;
        _aggId = 1_000_000_000 + (long)(_rng.NextDouble() * 1_000_000);
        _lastTradeMs = startMs;
        if (resume is not null)
        {
            // Continue a stored history: same price level, ids after the last stored one, never back in time.
            _logPrice = Math.Log(resume.Price);
            _priceAtLastSecond = resume.Price;
            _aggId = resume.LastAggId;
            _lastTradeMs = Math.Max(startMs, resume.LastTimeMs);
        }
        _anchorLogPrice = _logPrice;
        _nextFundingTime = ((startMs / 28_800_000) + 1) * 28_800_000;
    }

    public string Symbol => _p.Symbol;

    public double Price => Math.Exp(_logPrice);

    /// <summary>Generates the events with time in [sliceStart, sliceStart + 100 ms).</summary>
    public void Step(long sliceStart, List<MarketEvent> output, bool bookFeatures = true)
    {
        UpdateRegime();
        var sigmaSlice = _p.Volatility5m / Math.Sqrt(300 / SliceSeconds) * _volMultiplier * RegimeVol();

        // Arrivals for this slice, with occasional bursts.
        if (_rng.Chance(0.0004))
        {
            _burst = 4 + (_rng.NextDouble() * 16); // up to 20× base rate
        }

        _burst = 1 + ((_burst - 1) * 0.985);
        var count = _rng.NextPoisson(_p.TradesPerSecond * _rateMultiplier * _burst * SliceSeconds);
        if (_whaleLeft == 0 && _rng.Chance(0.00025))
        {
            _whaleLeft = 3 + (int)(_rng.NextDouble() * 6);
            _whaleBuys = _regime switch
            {
                SimulatedRegime.TrendUp => _rng.Chance(0.8),
                SimulatedRegime.TrendDown => _rng.Chance(0.2),
                _ => _rng.Chance(0.5),
            };
        }

        // Persistent flow pressure: the regime's bias plus AR(1) noise.
        var bias = _regime switch
        {
            SimulatedRegime.TrendUp => 0.22,
            SimulatedRegime.TrendDown => -0.22,
            _ => 0,
        };
        _flowImbalance = Math.Clamp((0.97 * _flowImbalance) + (0.03 * bias) + (0.04 * _rng.NextGaussian()), -0.9, 0.9);

        // Latent price: drift + diffusion + impact of this slice's flow.
        var netFlow = 0.0;
        var n = count + (_whaleLeft > 0 ? 1 : 0);
        if (_times.Length < n)
        {
            _times = new long[n * 2];
        }

        var times = _times.AsSpan(0, n);
        for (var i = 0; i < n; i++)
        {
            times[i] = sliceStart + (long)(_rng.NextDouble() * 100);
        }

        times.Sort();
        var halfSpread = _p.TickSize / 2;
        for (var i = 0; i < n; i++)
        {
            var whale = _whaleLeft > 0 && i == n - 1;
            bool buy;
            double qty;
            if (whale)
            {
                _whaleLeft--;
                buy = _whaleBuys;
                qty = _p.WhaleQty * (1 + (_rng.NextDouble() * 1.5));
            }
            else
            {
                buy = _rng.Chance(0.5 + (0.5 * _flowImbalance));
                // Pareto(1.3) sizes scaled to the median, capped at 400×.
                var u = Math.Max(_rng.NextDouble(), 1e-12);
                qty = _p.MedianQty * Math.Min(400, Math.Pow(u, -1 / 1.3) / Math.Pow(2, 1 / 1.3));
            }

            qty = Math.Max(_p.LotSize, Math.Round(qty / _p.LotSize) * _p.LotSize);
            var signedShare = (buy ? 1 : -1) * Math.Min(qty / (_p.MedianQty * 20), 3);
            netFlow += signedShare;
            _logPrice += signedShare * sigmaSlice * 0.15;
            var fair = Math.Exp(_logPrice);
            var price = Math.Round((buy ? fair + halfSpread : fair - halfSpread) / _p.TickSize) * _p.TickSize;
            var time = Math.Max(times[i], _lastTradeMs);
            _lastTradeMs = time;
            output.Add(MarketEvent.ForTrade(_p.Symbol, new AggTrade(++_aggId, time, Math.Round(price, 8), Math.Round(qty, 8), !buy)));
        }

        _logPrice += (_regimeDrift * SliceSeconds) + (sigmaSlice * _rng.NextGaussian());
        _logPrice -= (_logPrice - _anchorLogPrice) * ReversionPerSlice;
        _anchorLogPrice += (_logPrice - _anchorLogPrice) * (SliceSeconds / AnchorTimeConstantSeconds);
        _recentFlow = (0.9 * _recentFlow) + (0.1 * Math.Clamp(netFlow / 3, -1, 1));

        // Volatility clustering: log-vol mean-reverts to 0 and reacts to large moves.
        _volMultiplier = Math.Exp((0.999 * Math.Log(_volMultiplier)) + (0.01 * _rng.NextGaussian()));
        _volMultiplier = Math.Clamp(_volMultiplier, 0.5, 3);

        EmitFeatures(sliceStart, output, bookFeatures);
    }

    private double RegimeVol() => _regime switch
    {
        SimulatedRegime.Range => 0.8,
        SimulatedRegime.Volatile => 1.8,
        _ => 1.1,
    };

    private void UpdateRegime()
    {
        // Mean regime length ≈ 20 minutes (12,000 slices).
        if (!_rng.Chance(1.0 / 12_000))
        {
            return;
        }

        var r = _rng.NextDouble();
        _regime = r < 0.32 ? SimulatedRegime.TrendUp : r < 0.64 ? SimulatedRegime.TrendDown : r < 0.9 ? SimulatedRegime.Range : SimulatedRegime.Volatile;
        var trendPerSecond = _p.Volatility5m / 300 * TrendShare * (0.5 + _rng.NextDouble());
        _regimeDrift = _regime switch
        {
            SimulatedRegime.TrendUp => trendPerSecond,
            SimulatedRegime.TrendDown => -trendPerSecond,
            _ => 0,
        };
    }

    private void EmitFeatures(long sliceStart, List<MarketEvent> output, bool bookFeatures)
    {
        var time = sliceStart + 99;
        var price = Price;
        var trend = _regime switch { SimulatedRegime.TrendUp => 1, SimulatedRegime.TrendDown => -1, _ => 0 };

        // Order-book imbalance and spot-perp divergence at 10 Hz (the generator draws them every slice either way,
        // so backfilled and live markets stay the same sequence).
        var obi = Math.Clamp((0.6 * _recentFlow) + (0.12 * _rng.NextGaussian()), -0.95, 0.95);
        var divergence = (0.0002 * trend) + (0.0003 * _rng.NextGaussian());
        if (bookFeatures)
        {
            output.Add(MarketEvent.ForFeature(_p.Symbol, FeatureKey.ObiDepth10, Math.Round(obi, 4), time));
            output.Add(MarketEvent.ForFeature(_p.Symbol, FeatureKey.SpotPerpDivergence, Math.Round(divergence, 6), time));
        }

        var second = sliceStart / 1000;
        if (second >= _nextFeatureSecond)
        {
            _nextFeatureSecond = second + 1;
            _lastSecondReturn = (price - _priceAtLastSecond) / _priceAtLastSecond;
            _priceAtLastSecond = price;

            // Mark price, index and funding every second.
            var premium = (0.0003 * trend) + (0.0002 * _rng.NextGaussian());
            _fundingRate = Math.Clamp((0.999 * _fundingRate) + (0.001 * (0.0001 + (premium / 3))), -0.003, 0.003);
            if (time >= _nextFundingTime)
            {
                _nextFundingTime += 28_800_000;
            }

            output.Add(MarketEvent.ForFunding(new FundingSnapshot(_p.Symbol, time, Round(price), Round(price * (1 - premium)), Math.Round(_fundingRate, 8), _nextFundingTime)));
            output.Add(MarketEvent.ForFeature(_p.Symbol, FeatureKey.FundingRate, Math.Round(_fundingRate, 8), time));

            // Liquidations when price runs against the crowd.
            var move = Math.Abs(_lastSecondReturn);
            if (_rng.Chance(Math.Min(0.5, 0.01 + (move * 400))))
            {
                var longsLiquidated = _lastSecondReturn < 0 || (_lastSecondReturn == 0 && _rng.Chance(0.5));
                var usd = 2_000 * Math.Pow(Math.Max(_rng.NextDouble(), 1e-6), -0.7);
                var qty = Math.Max(_p.LotSize, Math.Round(usd / price / _p.LotSize) * _p.LotSize);
                var liquidation = new Liquidation(_p.Symbol, time, longsLiquidated, Round(price), qty);
                output.Add(MarketEvent.ForLiquidation(liquidation));
                _liquidations.Add(liquidation);
                var (longs, shorts) = _liquidations.Features(_p.Symbol, time);
                output.Add(longs);
                output.Add(shorts);
            }
            else if (_liquidations.EvictOlderThan(time))
            {
                var (longs, shorts) = _liquidations.Features(_p.Symbol, time);
                output.Add(longs);
                output.Add(shorts);
            }
        }

        if (_p.Symbol == "BTCUSDT" && time >= _nextPremium)
        {
            _nextPremium = time + 60_000;
            _coinbasePremium = (0.85 * _coinbasePremium) + (0.15 * ((0.0009 * trend) + (0.0004 * _rng.NextGaussian())));
            output.Add(MarketEvent.ForFeature(_p.Symbol, FeatureKey.CoinbasePremium, Math.Round(_coinbasePremium, 6), time));
        }

        if (time >= _nextSlowFeature)
        {
            // Five-minute statistics: OI grows in trends, the crowd leans against the trend, top traders with it.
            _nextSlowFeature = ((time / 300_000) + 1) * 300_000;
            var oiStep = trend != 0 ? 0.004 + (0.02 * _rng.NextDouble()) : 0.004 * _rng.NextGaussian();
            _openInterest = Math.Max(_p.OpenInterestUsd * 0.3, _openInterest * (1 + oiStep));
            var lsrTarget = trend switch { 1 => 0.62, -1 => 1.9, _ => 1.1 };
            _lsr = Math.Clamp((0.6 * _lsr) + (0.4 * lsrTarget) + (0.05 * _rng.NextGaussian()), 0.3, 4);
            var topTarget = trend switch { 1 => 0.58, -1 => 0.42, _ => 0.5 };
            _topLong = Math.Clamp((0.5 * _topLong) + (0.5 * topTarget) + (0.01 * _rng.NextGaussian()), 0.2, 0.8);
            output.Add(MarketEvent.ForFeature(_p.Symbol, FeatureKey.OpenInterestHist, Math.Round(_openInterest, 2), time));
            output.Add(MarketEvent.ForFeature(_p.Symbol, FeatureKey.LongShortRatio, Math.Round(_lsr, 4), time));
            output.Add(MarketEvent.ForFeature(_p.Symbol, FeatureKey.TopTraderPosition, Math.Round(_topLong, 4), time));
        }
    }

    private double Round(double price) => Math.Round(Math.Round(price / _p.TickSize) * _p.TickSize, 8);
}
