namespace ArbitrageEngine.Web.Components.Account;

internal static class LocalUrl
{
    /// <summary>The return URL when it is a local path, else "/" (no open redirects).</summary>
    public static string Safe(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
