using System.Collections.Concurrent;
using Npgsql;

namespace ArbitrageEngine.Web.Localization;

/// <summary>
/// Per-user UI preferences in <c>user_preferences</c> (a table of its own so the Identity user stays untouched).
/// The data source comes late (the local cluster starts with the host), hence the factory. Languages are cached in memory: the culture provider asks on every request, the table changes only on a switch.
/// </summary>
public sealed class UserPreferenceStore(Func<CancellationToken, Task<NpgsqlDataSource>> dataSource)
{
    public UserPreferenceStore(NpgsqlDataSource dataSource)
        : this(_ => Task.FromResult(dataSource))
    {
    }

    private readonly ConcurrentDictionary<string, string?> languages = new(StringComparer.Ordinal);

    /// <summary>The stored language of the user ("en" / "zh-CN"), or null when they never chose one.</summary>
    public async Task<string?> LanguageAsync(string userId, CancellationToken cancellationToken = default)
    {
        if (languages.TryGetValue(userId, out var cached))
        {
            return cached;
        }

        await using var cmd = (await dataSource(cancellationToken).ConfigureAwait(false)).CreateCommand("SELECT language FROM user_preferences WHERE user_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userId });
        var language = AppCultures.Normalize(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string);
        languages[userId] = language;
        return language;
    }

    /// <summary>Stores the user's language; unsupported names are refused (returns false, nothing stored).</summary>
    public async Task<bool> SetLanguageAsync(string userId, string language, CancellationToken cancellationToken = default)
    {
        if (AppCultures.Normalize(language) is not { } normalized)
        {
            return false;
        }

        await using var cmd = (await dataSource(cancellationToken).ConfigureAwait(false)).CreateCommand("""
            INSERT INTO user_preferences (user_id, language, updated_at) VALUES ($1, $2, now())
            ON CONFLICT (user_id) DO UPDATE SET language = EXCLUDED.language, updated_at = now()
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = normalized });
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        languages[userId] = normalized;
        return true;
    }
}
