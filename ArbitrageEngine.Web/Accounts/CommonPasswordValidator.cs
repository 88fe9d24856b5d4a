using System.Text;
using ArbitrageEngine.Web.Persistence.Entities;
using Microsoft.AspNetCore.Identity;

namespace ArbitrageEngine.Web.Accounts;

/// <summary>
/// Refuses passwords from the shipped list of common passwords (Accounts/Data/common-passwords.txt), also when only
/// decorated ("Password2026!", "p@ssw0rd123") or repeated ("qwertyqwerty", "abcabcabcabc").
/// </summary>
public sealed class CommonPasswordValidator : IPasswordValidator<AppUser>
{
    public const string ErrorCode = "CommonPassword";

    private static readonly Lazy<HashSet<string>> Common = new(Load);

    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password) =>
        Task.FromResult(password is not null && IsCommon(password)
            ? IdentityResult.Failed(new IdentityError { Code = ErrorCode, Description = "This password is too common; choose one that is harder to guess." })
            : IdentityResult.Success);

    public static bool IsCommon(string password)
    {
        var lower = password.Trim().ToLowerInvariant();
        var core = lower.Trim("0123456789!@#$%^&*()-_=+.,;:?/\\|~`'\" ".ToCharArray());
        foreach (var candidate in new[] { lower, core, Unleet(lower), Unleet(core) })
        {
            if (candidate.Length == 0 || Common.Value.Contains(candidate) || IsRepetition(candidate))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A string made of one short unit (≤ 4 characters) or one listed word, repeated.</summary>
    private static bool IsRepetition(string s)
    {
        for (var unit = 1; unit <= s.Length / 2; unit++)
        {
            if (s.Length % unit != 0)
            {
                continue;
            }

            var part = s[..unit];
            if ((unit <= 4 || Common.Value.Contains(part)) && string.Concat(Enumerable.Repeat(part, s.Length / unit)) == s)
            {
                return true;
            }
        }

        return false;
    }

    private static string Unleet(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            sb.Append(c switch { '0' => 'o', '1' => 'i', '3' => 'e', '4' => 'a', '5' => 's', '7' => 't', '@' => 'a', '$' => 's', _ => c });
        }

        return sb.ToString();
    }

    private static HashSet<string> Load()
    {
        using var stream = typeof(CommonPasswordValidator).Assembly.GetManifestResourceStream("ArbitrageEngine.Web.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is not embedded.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                set.Add(line.Trim().ToLowerInvariant());
            }
        }

        return set;
    }
}
