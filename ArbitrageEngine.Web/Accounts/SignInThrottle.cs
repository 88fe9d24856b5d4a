using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Accounts;

/// <summary>
/// Progressive delays per account name instead of a hard lockout: after <see cref="AccountsOptions.FailuresBeforeDelay"/>
/// consecutive failures each attempt on that name waits 1 s, 2 s, 4 s … (at most 30 s) before the password is checked.
/// Keyed by the name typed, whether or not the account exists, so the delay says nothing about existence; an attacker
/// can slow the owner down but never keep them out. Failures older than 15 minutes are forgotten.
/// </summary>
public sealed class SignInThrottle(IOptions<AccountsOptions> options, TimeProvider clock)
{
    private const int MaxEntries = 100_000;
    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset Last)> failures = new(StringComparer.Ordinal);

    public TimeSpan DelayFor(string userName)
    {
        var failed = Failures(userName) - options.Value.FailuresBeforeDelay;
        return failed < 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, Math.Pow(2, Math.Min(failed, 10))));
    }

    public int Failures(string userName) =>
        failures.TryGetValue(Key(userName), out var entry) && clock.GetUtcNow() - entry.Last < Forget ? entry.Failures : 0;

    public void Failed(string userName)
    {
        var now = clock.GetUtcNow();
        if (failures.Count >= MaxEntries)
        {
            foreach (var (key, entry) in failures)
            {
                if (now - entry.Last >= Forget)
                {
                    failures.TryRemove(key, out _);
                }
            }
        }

        failures.AddOrUpdate(Key(userName), _ => (1, now), (_, e) => (now - e.Last < Forget ? e.Failures + 1 : 1, now));
    }

    public void Succeeded(string userName) => failures.TryRemove(Key(userName), out _);

    public Task WaitAsync(string userName, CancellationToken ct = default) =>
        DelayFor(userName) is { } delay && delay > TimeSpan.Zero ? Task.Delay(delay, clock, ct) : Task.CompletedTask;

    private static string Key(string userName) => userName.Trim().ToUpperInvariant();
}
