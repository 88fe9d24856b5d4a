namespace ArbitrageEngine.Web.Hosting;

/// <summary>
/// The connection string the app uses: <c>ConnectionStrings:Default</c> when configured, otherwise the one of the
/// local cluster, known once <see cref="DatabaseStartup"/> has started it. Anything needing the database at start-up
/// awaits <see cref="Ready"/>.
/// </summary>
public sealed class DatabaseEndpoint(IConfiguration configuration)
{
    private readonly TaskCompletionSource<string> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The configured external connection string, or null when the local cluster is to be used.</summary>
    public string? Configured { get; } = configuration.GetConnectionString("Default") is { Length: > 0 } cs ? cs : null;

    public Task<string> Ready => ready.Task;

    public string ConnectionString => ready.Task.IsCompletedSuccessfully
        ? ready.Task.Result
        : throw new InvalidOperationException("The database is not ready yet (start-up has not finished).");

    internal void SetReady(string connectionString) => ready.TrySetResult(connectionString);

    internal void SetFailed(Exception error) => ready.TrySetException(error);
}
