using System.Text.Json;
using ArbitrageEngine.Tests.Fakes;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Funding;
using ArbitrageEngine.Web.Live;
using ArbitrageEngine.Web.Localization;
using ArbitrageEngine.Web.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ArbitrageEngine.Tests.Web.Notifications;

public sealed class NotificationRoutingTests(PostgresFixture postgres) : AppTest(postgres)
{
    private static readonly AuditActor Admin = new("admin", null, "127.0.0.1");

    private async Task<(long Id, Dictionary<string, string> Errors)> CreateAsync(ChannelForm form)
    {
        await using var scope = App.CreateScope();
        var (id, errors) = await scope.ServiceProvider.GetRequiredService<ChannelAdminService>().CreateAsync(form, Admin);
        return (id ?? 0, errors);
    }

    [Fact]
    public async Task CreateAsync_Webhook_SecretEncryptedAtRestAndOnlyHintListed()
    {
        const string secret = "https://hooks.example.test/services/T000/B000/plain-secret-value";

        var (id, errors) = await CreateAsync(new ChannelForm { Name = "ops", Kind = ChannelKind.Webhook, Secret = secret, MaxPerMinute = 5 });

        Assert.Empty(errors);
        await using var dataSource = NpgsqlDataSource.Create(App.ConnectionString);
        await using var cmd = dataSource.CreateCommand("SELECT secret_protected, secret_hint FROM notification_channels WHERE id = @id");
        cmd.Parameters.AddWithValue("id", id);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.DoesNotContain("plain-secret-value", reader.GetString(0), StringComparison.Ordinal);
        Assert.Equal("••••alue", reader.GetString(1));
        var store = App.Services.GetRequiredService<NotificationStore>();
        Assert.Equal(secret, (await store.ConfigAsync(id))!.Secret);
        Assert.Equal("••••alue", Assert.Single(await store.ChannelsAsync()).SecretHint);
        await using var db = App.CreateDbContext();
        var audit = await db.AuditLog.Where(a => a.Action == "notification_channel.create").SingleAsync();
        Assert.DoesNotContain("plain-secret-value", audit.After, StringComparison.Ordinal);
        Assert.Contains("set", audit.After, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ChannelKind.Webhook, "", "not-a-url", "", 5, "Secret", "absolute http(s) URL")]
    [InlineData(ChannelKind.Telegram, "tg", "", "12345", 5, "Secret", "Telegram bot token is required")]
    [InlineData(ChannelKind.Telegram, "tg", "123456789:AAshort", "12345", 5, "Secret", "bot token looks like")]
    [InlineData(ChannelKind.Telegram, "tg", "123456789:AAF-secret_token_value_xyz", "chat", 5, "ChatId", "chat id")]
    [InlineData(ChannelKind.Discord, "d", "https://discord.test/api/webhooks/1/x", "", 0, "MaxPerMinute", "Between 1 and 600")]
    public async Task CreateAsync_BadField_ErrorOnThatFieldAndNothingStored(ChannelKind kind, string name, string secret, string chatId, int max, string field, string expected)
    {
        var (_, errors) = await CreateAsync(new ChannelForm { Name = name.Length == 0 ? "n" : name, Kind = kind, Secret = secret, ChatId = chatId, MaxPerMinute = max });

        Assert.Contains(expected, errors[field], StringComparison.Ordinal);
        Assert.Empty(await App.Services.GetRequiredService<NotificationStore>().ChannelsAsync());
    }

    [Fact]
    public async Task Dispatcher_SubscribedKind_DeliveredAndLoggedOthersNot()
    {
        await using var receiver = await FakeHttpReceiver.StartAsync();
        var (id, _) = await CreateAsync(new ChannelForm { Name = "hook", Kind = ChannelKind.Webhook, Secret = receiver.BaseUrl + "/hook", MaxPerMinute = 60 });
        await using var db = App.CreateDbContext();
        var adminId = (await db.Users.SingleAsync(u => u.UserName == TestApp.AdminUserName)).Id;
        var store = App.Services.GetRequiredService<NotificationStore>();
        await store.SaveSubscriptionsAsync(adminId, [new SubscriptionRow(id, NotificationKind.FundingSignal, null)]);
        await App.Services.GetRequiredService<NotificationDispatcher>().InvalidateAsync();
        var notifier = App.Services.GetRequiredService<LiveNotifier>();

        notifier.Publish(new CollectorFaultEvent("aggTrade", "Reconnecting", "no frame for 90 s", false, 1_790_000_000_000));
        notifier.Publish(new FundingSignalEvent("XRPUSDT", 14.19, 10, 21, 1_790_000_000_000));
        await SimulatedApp.Until(async () => (await store.DeliveriesAsync(id, 10)).Count > 0, "the funding signal delivery", 20);
        await Task.Delay(500);

        var request = Assert.Single(receiver.Requests);
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("funding_signal", json.RootElement.GetProperty("kind").GetString());
        Assert.Contains("XRPUSDT", json.RootElement.GetProperty("title").GetString(), StringComparison.Ordinal);
        var logged = Assert.Single(await store.DeliveriesAsync(id, 10));
        Assert.True(logged.Delivered);
        Assert.Equal(NotificationKind.FundingSignal, logged.Kind);
    }

    [Fact]
    public async Task Dispatcher_SubscriberPrefersChinese_MessageInChinese()
    {
        await using var receiver = await FakeHttpReceiver.StartAsync();
        var (id, _) = await CreateAsync(new ChannelForm { Name = "hook-zh", Kind = ChannelKind.Webhook, Secret = receiver.BaseUrl + "/hook", MaxPerMinute = 60 });
        await using var db = App.CreateDbContext();
        var adminId = (await db.Users.SingleAsync(u => u.UserName == TestApp.AdminUserName)).Id;
        await App.Services.GetRequiredService<UserPreferenceStore>().SetLanguageAsync(adminId, AppCultures.Chinese);
        var store = App.Services.GetRequiredService<NotificationStore>();
        await store.SaveSubscriptionsAsync(adminId, [new SubscriptionRow(id, NotificationKind.FundingSignal, null)]);
        await App.Services.GetRequiredService<NotificationDispatcher>().InvalidateAsync();

        App.Services.GetRequiredService<LiveNotifier>().Publish(new FundingSignalEvent("XRPUSDT", 14.19, 10, 21, 1_790_000_000_000));
        await SimulatedApp.Until(async () => (await store.DeliveriesAsync(id, 10)).Count > 0, "the funding signal delivery", 20);

        using var json = JsonDocument.Parse(Assert.Single(receiver.Requests).Body);
        Assert.Equal("资金费率套利信号 XRPUSDT：年化 14.19%", json.RootElement.GetProperty("title").GetString());
        Assert.Equal("funding_signal", json.RootElement.GetProperty("kind").GetString());
    }
}
