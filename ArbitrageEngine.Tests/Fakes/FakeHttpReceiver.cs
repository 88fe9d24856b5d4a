using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ArbitrageEngine.Tests.Fakes;

/// <summary>One request the receiver got: when, path and body.</summary>
public sealed record ReceivedRequest(DateTime At, string Path, string Body);

/// <summary>
/// A local HTTP receiver (Kestrel on 127.0.0.1, random port) standing in for Discord, Telegram and webhook endpoints:
/// records every POST and answers scripted statuses (then 200), optionally after a delay.
/// </summary>
public sealed class FakeHttpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeHttpReceiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = string.Empty;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Statuses answered to the next requests, in order; afterwards 200.</summary>
    public ConcurrentQueue<int> Statuses { get; } = new();

    /// <summary>Every answer waits this long first (for timeouts).</summary>
    public TimeSpan Delay { get; set; }

    public static async Task<FakeHttpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new FakeHttpReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseUrl = app.Urls.First().TrimEnd('/');
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        Requests.Enqueue(new ReceivedRequest(DateTime.UtcNow, context.Request.Path.Value ?? "/", body));
        if (Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = Statuses.TryDequeue(out var status) ? status : 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(context.Response.StatusCode == 200 ? "{\"ok\":true}" : "{\"ok\":false,\"description\":\"scripted\"}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
