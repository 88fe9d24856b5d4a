using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Localization;

/// <summary>
/// Texts of the account forms that are not written in a .razor file: validation attribute messages (properties named by
/// <c>ErrorMessageResourceName</c>), the English messages of the account services and ASP.NET Identity mapped onto
/// resource keys (the services stay language-neutral), and the 429 answer of the sign-in rate limiter.
/// </summary>
public static partial class AccountText
{
    private static string T(string key) => UiText.L["Account.Val." + key];

    public static string UserNameRequired => T(nameof(UserNameRequired));
    public static string UserNameTooLong => T(nameof(UserNameTooLong));
    public static string UserNameLength => T(nameof(UserNameLength));
    public static string PasswordRequired => T(nameof(PasswordRequired));
    public static string PasswordTooLong => T(nameof(PasswordTooLong));
    public static string PasswordLength => T(nameof(PasswordLength));
    public static string PasswordsDiffer => T(nameof(PasswordsDiffer));
    public static string CurrentPasswordRequired => T(nameof(CurrentPasswordRequired));
    public static string NewPasswordRequired => T(nameof(NewPasswordRequired));
    public static string RepeatPassword => T(nameof(RepeatPassword));
    public static string CodeRequired => T(nameof(CodeRequired));
    public static string CodeFormat => T(nameof(CodeFormat));
    public static string RecoveryRequired => T(nameof(RecoveryRequired));
    public static string RecoveryFormat => T(nameof(RecoveryFormat));
    public static string EmailInvalid => T(nameof(EmailInvalid));
    public static string InviteRequired => T(nameof(InviteRequired));

    private static readonly Dictionary<string, string> Exact = new(StringComparer.Ordinal)
    {
        ["User name is required."] = nameof(UserNameRequired),
        ["User name must be 3 to 32 characters."] = nameof(UserNameLength),
        ["Password is required."] = nameof(PasswordRequired),
        ["Password must be 12 to 128 characters."] = nameof(PasswordLength),
        ["The passwords do not match."] = nameof(PasswordsDiffer),
        ["Please repeat the password."] = nameof(RepeatPassword),
        ["Not a valid e-mail address."] = nameof(EmailInvalid),
        ["An invite code is required."] = nameof(InviteRequired),
        ["This invite code is not valid."] = "InviteInvalid",
        ["This invite code does not exist."] = "InviteMissing",
        ["This invite code has been disabled."] = "InviteDisabled",
        ["This invite code has expired."] = "InviteExpired",
        ["This invite code has no uses left."] = "InviteUsedUp",
        ["This password is too common; choose one that is harder to guess."] = "PasswordCommon",
        ["Give the token a name of 1 to 64 characters."] = "TokenName",
        ["Scope must be read or read_write."] = "TokenScope",
        ["Token not found or already revoked."] = "TokenNotFound",
    };

    /// <summary>A message of the account services or Identity in the UI language; an unknown one is shown as written.</summary>
    public static string Localize(string message)
    {
        if (Exact.TryGetValue(message, out var key))
        {
            return T(key);
        }

        // Several errors of one field arrive joined by a space (RegistrationService.MapIdentityErrors).
        var parts = SentenceSplit().Split(message);
        if (parts.Length > 1 && parts.All(p => Exact.ContainsKey(p) || Taken().IsMatch(p)))
        {
            return string.Join(" ", parts.Select(Localize));
        }

        if (Numbered().Match(message) is { Success: true } n)
        {
            return UiText.L[n.Groups[1].Success ? "Account.Val.TokenExpiry" : "Account.Val.TokenLimit", n.Groups[1].Success ? n.Groups[1].Value : n.Groups[2].Value];
        }

        return Taken().Match(message) is { Success: true } m ? UiText.L["Account.Val.UserNameTaken", m.Groups[1].Value] : message;
    }

    /// <summary>"Too many attempts" in the language of the request; the rate limiter answers before request localisation runs.</summary>
    public static async Task<string> TooManyAttemptsAsync(HttpContext context, int seconds)
    {
        var culture = context.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture;
        if (culture is null && context.RequestServices.GetService<IOptions<RequestLocalizationOptions>>() is { } options)
        {
            foreach (var provider in options.Value.RequestCultureProviders)
            {
                var result = await provider.DetermineProviderCultureResult(context).ConfigureAwait(false);
                if (result?.UICultures.Select(c => AppCultures.Normalize(c.Value)).FirstOrDefault(n => n is not null) is { } name)
                {
                    culture = CultureInfo.GetCultureInfo(name);
                    break;
                }
            }
        }

        // Set inside this async method only: the change does not leak back to the caller's execution context.
        CultureInfo.CurrentUICulture = culture ?? CultureInfo.GetCultureInfo(AppCultures.English);
        return UiText.L["Account.Val.TooManyAttempts", seconds.ToString(CultureInfo.InvariantCulture)];
    }

    [GeneratedRegex(@"(?<=[.!?])\s+(?=[A-Z])")]
    private static partial Regex SentenceSplit();

    [GeneratedRegex(@"^(?:Expiry must be 1 to (\d+) days, or none\.|At most (\d+) active tokens; revoke one first\.)$")]
    private static partial Regex Numbered();

    [GeneratedRegex(@"^User ?name '(.*)' is already taken\.$", RegexOptions.IgnoreCase)]
    private static partial Regex Taken();
}
