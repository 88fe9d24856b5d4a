namespace ArbitrageEngine.Web.SystemStatus.Health;

/// <summary>
/// What an orchestrator needs beyond healthy/unhealthy: a check that is not ready yet because the process is still
/// starting (database starting, warm-up) reports <see cref="Starting"/>; one that has failed reports <see cref="Broken"/>.
/// Put in every check's data under <see cref="Key"/>.
/// </summary>
public static class ReadinessState
{
    public const string Key = "state";
    public const string Ready = "ready";
    public const string Starting = "starting";
    public const string Degraded = "degraded";
    public const string Broken = "broken";
}
