using System.ComponentModel.DataAnnotations;

namespace ArbitrageEngine.Engine.Persistence.Local;

/// <summary>Where and how the project's private PostgreSQL cluster runs (used only without a connection string).</summary>
public sealed class LocalPostgresOptions
{
    public const string SectionName = "LocalPostgres";

    /// <summary>Cluster data directory; a relative path is resolved against the repository root (the folder holding ArbitrageEngine.sln).</summary>
    [Required]
    public string DataDirectory { get; set; } = ".data/pg";

    /// <summary>Loopback TCP port; 0 picks a free one. When the port is taken by someone else a free one is used.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 5433;

    /// <summary>Folder holding initdb/pg_ctl; empty = newest /usr/lib/postgresql/*/bin.</summary>
    public string? BinDirectory { get; set; }

    [Required]
    [RegularExpression("^[a-z_][a-z0-9_]*$")]
    public string Database { get; set; } = "arbitrage";

    /// <summary>Seconds to wait for the server to start or stop.</summary>
    [Range(5, 600)]
    public int TimeoutSeconds { get; set; } = 60;
}
