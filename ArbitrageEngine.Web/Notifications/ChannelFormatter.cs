using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ArbitrageEngine.Web.Notifications;

/// <summary>
/// The HTTP request of a message per channel kind: Discord webhook (<c>{"content"}</c>, ≤ 2000 characters), Telegram
/// <c>sendMessage</c> (<c>{"chat_id","text"}</c>, ≤ 4096) and the generic JSON webhook (kind, title, text, time, fields).
/// </summary>
public static class ChannelFormatter
{
    public const int DiscordMax = 2000;
    public const int TelegramMax = 4096;

    // "./": a token holds a colon, which would otherwise read as a URI scheme.
    public static HttpRequestMessage Build(ChannelConfig channel, Notification n, Uri telegramBase)
    {
        var (uri, body) = channel.Kind switch
        {
            ChannelKind.Discord => (new Uri(channel.Secret), (object)new { content = Cut($"**{n.Title}**\n{n.Text}", DiscordMax) }),
            ChannelKind.Telegram => (new Uri(telegramBase, $"./bot{channel.Secret}/sendMessage"), new { chat_id = channel.Target, text = Cut($"{n.Title}\n{n.Text}", TelegramMax) }),
            _ => (new Uri(channel.Secret), new
            {
                kind = n.Kind.Name(),
                title = n.Title,
                text = n.Text,
                time_ms = n.TimeMs,
                time = DateTimeOffset.FromUnixTimeMilliseconds(n.TimeMs).ToString("O", CultureInfo.InvariantCulture),
                strategy_id = n.StrategyId,
                fields = n.Fields ?? new Dictionary<string, string>(),
            }),
        };
        return new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
