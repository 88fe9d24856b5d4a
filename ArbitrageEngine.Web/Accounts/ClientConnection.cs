namespace ArbitrageEngine.Web.Accounts;

/// <summary>Per-circuit (scoped) facts about the browser connection, captured from the first HTTP request.</summary>
public sealed class ClientConnection
{
    public string? Ip { get; set; }
}
