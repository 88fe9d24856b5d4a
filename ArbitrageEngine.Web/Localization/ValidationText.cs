using System.Text.RegularExpressions;

namespace ArbitrageEngine.Web.Localization;

/// <summary>
/// The server's validation messages (StrategyValidator, English, keyed by field) shown in the UI language. Each known
/// message shape maps onto a resource key; an unknown message (a rule added later) is shown as the server wrote it.
/// </summary>
public static partial class ValidationText
{
    private static readonly Dictionary<string, string> Exact = new(StringComparer.Ordinal)
    {
        ["Name is required."] = "Validation.NameRequired",
        ["Name must be at most 50 characters."] = "Validation.NameLength",
        ["Description must be at most 200 characters."] = "Validation.DescriptionLength",
        ["Direction must be both, long_only or short_only."] = "Validation.Direction",
        ["Fast window must be 5m, 15m or 30m."] = "Validation.FastWindow",
        ["Slow window must be 30m, 1h or 4h."] = "Validation.SlowWindow",
        ["Slow window must be longer than the fast window."] = "Validation.SlowLonger",
        ["TP2 must be greater than TP1."] = "Validation.Tp2AboveTp1",
        ["Balance must be a finite number."] = "Validation.BalanceFinite",
        ["Tags must be non-empty and at most 30 characters."] = "Validation.Tags",
        ["A name of 1 to 60 characters is required."] = "Validation.ChannelName",
        ["Another channel already has this name."] = "Validation.ChannelNameTaken",
        ["A Telegram bot token looks like 123456789:AA… (digits, a colon, then at least 20 letters, digits, _ or -)."] = "Validation.TelegramToken",
        ["A chat id is a number (e.g. -1001234567890) or @channelname."] = "Validation.ChatId",
        ["Between 1 and 600 messages per minute."] = "Validation.MaxPerMinute",
        ["Discord webhook URL is required."] = "Validation.SecretRequired.Discord",
        ["Telegram bot token is required."] = "Validation.SecretRequired.Telegram",
        ["Webhook URL is required."] = "Validation.SecretRequired.Webhook",
        ["Discord webhook URL must be an absolute http(s) URL."] = "Validation.SecretUrl.Discord",
        ["Webhook URL must be an absolute http(s) URL."] = "Validation.SecretUrl.Webhook",
    };

    public static string Localize(string message)
    {
        var l = UiText.L;
        if (Exact.TryGetValue(message, out var key))
        {
            return l[key];
        }

        if (Range().Match(message) is { Success: true } range)
        {
            return l["Validation.Range", range.Groups[1].Value, range.Groups[2].Value, range.Groups[3].Value];
        }

        if (Weights().Match(message) is { Success: true } weights)
        {
            return l["Validation.Weights", weights.Groups[1].Value];
        }

        return Symbol().Match(message) is { Success: true } symbol ? l["Validation.Symbol", symbol.Groups[1].Value] : message;
    }

    [GeneratedRegex(@"^Must be between (\S+) and (\S+?)(\s*\S*)\.$")]
    private static partial Regex Range();

    [GeneratedRegex(@"^The four weights must sum to exactly 100 \(now (-?\d+)\)\.$")]
    private static partial Regex Weights();

    [GeneratedRegex(@"^Symbol must be one of: (.+)\.$")]
    private static partial Regex Symbol();
}
