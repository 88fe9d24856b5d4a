using ArbitrageEngine.Web.Live;

namespace ArbitrageEngine.Web.Funding;

/// <summary>The funding-arbitrage signal of a symbol turned on (7-day annualised rate reached the threshold).</summary>
public sealed record FundingSignalEvent(string Symbol, double AnnualisedPct7d, double ThresholdPct, int Settlements, long CheckedMs) : LiveEvent;
