using ArbitrageEngine.Web.Notifications;

namespace ArbitrageEngine.Web.Extensions;

public static class NotificationExtensions
{
    /// <summary>Notification channels (admin), subscriptions (users), routing of live events, delivery per channel, collector fault monitor.</summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddDataProtection();
        builder.Services.AddSingleton<ChannelSecrets>();
        builder.Services.AddSingleton<NotificationStore>();
        builder.Services.AddSingleton<NotificationDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NotificationDispatcher>());
        builder.Services.AddHostedService<CollectorFaultMonitor>();
        builder.Services.AddScoped<ChannelAdminService>();
        return builder;
    }
}
