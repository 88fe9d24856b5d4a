using ArbitrageEngine.Engine.Market.Binance;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>
/// Validates <c>Market:Binance</c> at start-up (bound like every other options class): a wrong URL scheme, a zero
/// timeout or an impossible weight budget stops the app with a message instead of a connector that never connects.
/// </summary>
public sealed class BinanceOptionsValidation : IValidateOptions<BinanceOptions>
{
    public ValidateOptionsResult Validate(string? name, BinanceOptions o)
    {
        var errors = new List<string>();
        void Url(string key, Uri? url, params string[] schemes)
        {
            if (url is null || !url.IsAbsoluteUri || !schemes.Contains(url.Scheme, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"Market:Binance:{key} must be an absolute {string.Join(" or ", schemes)} URL.");
            }
        }

        void Positive(string key, TimeSpan value)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"Market:Binance:{key} must be positive.");
            }
        }

        Url(nameof(o.RestBaseUrl), o.RestBaseUrl, "https", "http");
        Url(nameof(o.SpotRestBaseUrl), o.SpotRestBaseUrl, "https", "http");
        Url(nameof(o.MarketStreamUrl), o.MarketStreamUrl, "wss", "ws");
        Url(nameof(o.PublicStreamUrl), o.PublicStreamUrl, "wss", "ws");
        Url(nameof(o.SpotStreamUrl), o.SpotStreamUrl, "wss", "ws");
        Positive(nameof(o.ConnectTimeout), o.ConnectTimeout);
        Positive(nameof(o.SilenceTimeout), o.SilenceTimeout);
        Positive(nameof(o.ProactiveReconnectAfter), o.ProactiveReconnectAfter);
        Positive(nameof(o.ReconnectInitialDelay), o.ReconnectInitialDelay);
        Positive(nameof(o.RequestTimeout), o.RequestTimeout);
        Positive(nameof(o.PollInterval), o.PollInterval);
        Positive(nameof(o.LiquidationWindow), o.LiquidationWindow);
        if (o.ReconnectMaxDelay < o.ReconnectInitialDelay)
        {
            errors.Add("Market:Binance:ReconnectMaxDelay must not be below ReconnectInitialDelay.");
        }

        if (o.ReconnectJitter is < 0 or > 1 || o.WeightSafetyMargin is < 0 or >= 1)
        {
            errors.Add("Market:Binance:ReconnectJitter and WeightSafetyMargin must be fractions (0–1).");
        }

        if (o.WeightLimitPerMinute <= 0 || o.AggTradesPageLimit is <= 0 or > 1000 || o.RestMaxAttempts <= 0 || o.MaxGapFillAttempts <= 0)
        {
            errors.Add("Market:Binance:WeightLimitPerMinute, RestMaxAttempts and MaxGapFillAttempts must be positive; AggTradesPageLimit 1–1000.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
