using System.Globalization;

namespace ArbitrageEngine.Web.Localization;

/// <summary>The UI languages the app ships resources for, and the mapping of stored/requested names onto them.</summary>
public static class AppCultures
{
    public const string English = "en";
    public const string Chinese = "zh-CN";

    /// <summary>English first: it is the fallback when neither the account nor the browser names a supported language.</summary>
    public static readonly IReadOnlyList<string> Supported = [English, Chinese];

    public static readonly CultureInfo[] Cultures = [.. Supported.Select(CultureInfo.GetCultureInfo)];

    /// <summary>"zh", "zh-Hans", "zh-CN" → "zh-CN"; "en-US" → "en"; anything else → null.</summary>
    public static string? Normalize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var n = name.Trim();
        return n.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? Chinese
            : n.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? English
            : null;
    }

    /// <summary>True while the current UI culture is Chinese (for the few places that pick a format, not a text).</summary>
    public static bool IsChinese => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    /// <summary>The culture numbers are formatted with: the current one when it is a supported UI culture, else invariant.</summary>
    public static CultureInfo NumberCulture =>
        Normalize(CultureInfo.CurrentCulture.Name) is not null ? CultureInfo.CurrentCulture : CultureInfo.InvariantCulture;
}
