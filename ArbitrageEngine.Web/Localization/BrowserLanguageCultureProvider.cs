using Microsoft.AspNetCore.Localization;
using Microsoft.Net.Http.Headers;

namespace ArbitrageEngine.Web.Localization;

/// <summary>
/// Accept-Language mapped onto the shipped languages: any Chinese variant (zh, zh-TW, zh-Hans) means zh-CN, any
/// English variant means en — the stock provider only matches exact or parent names, so "zh" alone would miss zh-CN.
/// </summary>
public sealed class BrowserLanguageCultureProvider : RequestCultureProvider
{
    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var header = httpContext.Request.Headers.AcceptLanguage.ToString();
        if (string.IsNullOrEmpty(header) || !StringWithQualityHeaderValue.TryParseList(header.Split(','), out var values))
        {
            return NullProviderCultureResult;
        }

        foreach (var value in values.OrderByDescending(v => v.Quality ?? 1))
        {
            if (AppCultures.Normalize(value.Value.Value) is { } language)
            {
                return Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult(language));
            }
        }

        return NullProviderCultureResult;
    }
}
