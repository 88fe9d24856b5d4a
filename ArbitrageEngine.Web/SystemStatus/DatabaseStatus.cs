using Npgsql;

namespace ArbitrageEngine.Web.SystemStatus;

/// <summary>A table or partition: sizes in bytes (total = with indexes and TOAST) and the planner's row estimate (null = never analysed).</summary>
public sealed record TableSize(string Name, string? Parent, bool Partitioned, long TotalBytes, long TableBytes, long? RowEstimate, int Partitions);

/// <summary>Connections of this database by state, and the server's limit.</summary>
public sealed record ConnectionCount(string State, int Count);

/// <summary>The database as /system shows it.</summary>
public sealed record DatabaseStatus(long DatabaseBytes, string Version, IReadOnlyList<TableSize> Tables, IReadOnlyList<ConnectionCount> Connections, int MaxConnections)
{
    /// <summary>
    /// Reads sizes from the catalogue (cheap: no table scans). A partitioned table's figures are the sum of its partitions,
    /// listed after it.
    /// </summary>
    public static async Task<DatabaseStatus> ReadAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = new List<TableSize>();
        await using (var cmd = new NpgsqlCommand(
            """
            SELECT c.relname, p.relname, c.relkind = 'p', pg_total_relation_size(c.oid), pg_relation_size(c.oid),
                   CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
            LEFT JOIN pg_class p ON p.oid = i.inhparent
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
            """, conn))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new TableSize(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetBoolean(2), reader.GetInt64(3), reader.GetInt64(4),
                    reader.IsDBNull(5) ? null : reader.GetInt64(5), 0));
            }
        }

        var connections = new List<ConnectionCount>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT coalesce(state, 'background'), count(*)::int FROM pg_stat_activity WHERE datname = current_database() GROUP BY 1 ORDER BY 1", conn))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                connections.Add(new ConnectionCount(reader.GetString(0), reader.GetInt32(1)));
            }
        }

        await using var scalars = new NpgsqlCommand("SELECT pg_database_size(current_database()), current_setting('max_connections')::int, current_setting('server_version')", conn);
        await using var s = await scalars.ExecuteReaderAsync(ct);
        await s.ReadAsync(ct);
        return new DatabaseStatus(s.GetInt64(0), s.GetString(2), Order(rows), connections, s.GetInt32(1));
    }

    /// <summary>Largest tables first; partitioned tables carry their partitions' sums and are followed by them (largest first).</summary>
    public static IReadOnlyList<TableSize> Order(IReadOnlyList<TableSize> rows)
    {
        var children = rows.Where(r => r.Parent is not null).GroupBy(r => r.Parent!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.TotalBytes).ToList(), StringComparer.Ordinal);
        var tops = rows.Where(r => r.Parent is null).Select(r => children.TryGetValue(r.Name, out var parts)
            ? r with
            {
                TotalBytes = r.TotalBytes + parts.Sum(p => p.TotalBytes),
                TableBytes = r.TableBytes + parts.Sum(p => p.TableBytes),
                RowEstimate = parts.All(p => p.RowEstimate is null) ? null : parts.Sum(p => p.RowEstimate ?? 0),
                Partitions = parts.Count,
            }
            : r);
        var result = new List<TableSize>(rows.Count);
        foreach (var top in tops.OrderByDescending(t => t.TotalBytes).ThenBy(t => t.Name, StringComparer.Ordinal))
        {
            result.Add(top);
            if (children.TryGetValue(top.Name, out var parts))
            {
                result.AddRange(parts);
            }
        }

        return result;
    }
}
