using System.Security.Cryptography;
using Npgsql;

namespace ArbitrageEngine.Engine.Persistence.Local;

/// <summary>
/// Least privilege on the project's own cluster: the app connects as a non-superuser role that owns its database and
/// objects (so migrations run as it), except the audit log and its guard function, which the superuser owns after
/// every start — the app may only SELECT and INSERT there, so it cannot disable, drop or bypass the append-only
/// trigger. The role's password lives next to the data directory (<c>{data}.app-password</c>, mode 600).
/// </summary>
public sealed partial class LocalPostgres
{
    public const string AppRole = "arbitrage_app";

    private string AppPasswordFile => DataDirectory.TrimEnd('/') + ".app-password";

    /// <summary>
    /// Creates (or updates) the app role, gives it the database and every object in it (including the audit log, so
    /// pending migrations can change it) and returns its connection string. Call <see cref="SealAuditLogAsync"/> after
    /// migrating.
    /// </summary>
    public async Task<string> PrepareAppRoleAsync(CancellationToken cancellationToken = default)
    {
        var superuser = ConnectionString ?? throw new InvalidOperationException("Not started.");
        if (!File.Exists(AppPasswordFile))
        {
            await WriteSecretFileAsync(AppPasswordFile, Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant(), cancellationToken);
        }

        // Hex only, so it can be inlined in ALTER ROLE (which takes no parameters).
        var password = (await File.ReadAllTextAsync(AppPasswordFile, cancellationToken)).Trim();
        if (password.Length == 0 || !password.All(Uri.IsHexDigit))
        {
            throw new InvalidOperationException($"The app role password file {AppPasswordFile} is not valid; delete it to make a new one.");
        }

        var database = new NpgsqlConnectionStringBuilder(superuser).Database!;
        await using (var connection = new NpgsqlConnection(superuser))
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, $"""
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{AppRole}') THEN
                        CREATE ROLE {AppRole} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
                    END IF;
                END $$;
                ALTER ROLE {AppRole} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '{password}';
                ALTER DATABASE "{database.Replace("\"", "\"\"", StringComparison.Ordinal)}" OWNER TO {AppRole};
                ALTER SCHEMA public OWNER TO {AppRole};
                DO $$ DECLARE r record; BEGIN
                    FOR r IN
                        SELECT c.oid::regclass AS name, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND pg_get_userbyid(c.relowner) <> '{AppRole}'
                          AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
                    LOOP
                        EXECUTE format('ALTER %s %s OWNER TO {AppRole}',
                            CASE r.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, r.name);
                    END LOOP;
                    FOR r IN
                        SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                        WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '{AppRole}'
                    LOOP
                        EXECUTE format('ALTER ROUTINE %s OWNER TO {AppRole}', r.name);
                    END LOOP;
                END $$;
                """, cancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(superuser) { Username = AppRole, Password = password }.ConnectionString;
    }

    /// <summary>Gives the audit log and its guard function to the superuser; the app keeps SELECT and INSERT.</summary>
    public async Task SealAuditLogAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString ?? throw new InvalidOperationException("Not started."));
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, $"""
            ALTER TABLE audit_log OWNER TO {SuperUser};
            ALTER FUNCTION audit_log_append_only() OWNER TO {SuperUser};
            REVOKE ALL ON audit_log FROM {AppRole};
            GRANT SELECT, INSERT ON audit_log TO {AppRole};
            DO $$ BEGIN
                IF pg_get_serial_sequence('audit_log', 'id') IS NOT NULL THEN
                    EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO {AppRole}', pg_get_serial_sequence('audit_log', 'id'));
                END IF;
            END $$;
            """, cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Writes a secret to a new file that is 600 from its creation (never briefly world-readable).</summary>
    private static async Task WriteSecretFileAsync(string path, string content, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(content.AsMemory(), cancellationToken);
    }
}
