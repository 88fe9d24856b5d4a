using System.Text;
using System.Text.RegularExpressions;

namespace ArbitrageEngine.Tests.Web.Localization;

/// <summary>
/// Finds user-visible English left as literals in a .razor file: text between tags and the values of text
/// attributes (Label, Text, Title, Placeholder, HelperText, aria-label, title, alt). Razor expressions
/// (<c>@x</c>, <c>@(...)</c>, <c>@L["..."]</c>), C# control lines, the @code block and comments are skipped.
/// Product tokens that read the same in every language (BTC, USDT, ArbitrageEngine, …) are allowed.
/// </summary>
internal static partial class RazorLiteralScanner
{
    private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal)
    {
        "ArbitrageEngine", "BTC", "ETH", "XRP", "SOL", "BTCUSDT", "ETHUSDT", "XRPUSDT", "SOLUSDT", "USDT", "UTC", "CVD", "ATR",
        "OBI", "VWAP", "P95", "P99", "TP1", "TP2", "SL", "R", "U", "bps", "English", "CSV", "API", "ID", "h", "d", "m", "s", "nbsp",
        "P", "amp", "lt", "gt", "mdash", "ndash", "times", "middot", "TOTP",
    };

    private static readonly string[] ControlStarts =
    [
        "@if", "@else", "@foreach", "@for ", "@for(", "@while", "@switch", "@{", "@code", "@inject", "@using", "@page", "@attribute",
        "@layout", "@implements", "@rendermode", "@inherits", "@typeparam", "@namespace", "@key", "@*", "}", "{", "else", "case ",
        "default:", "break;", "var ", "return", "//",
    ];

    public static IEnumerable<string> Scan(string razor)
    {
        // Expressions first: a ">" inside @(a > b ? ...) must not end a text node.
        var text = RemoveExpressions(StripCode(razor));
        foreach (Match m in TextNode().Matches(text))
        {
            if (Visible(m.Groups[1].Value) is { } literal)
            {
                yield return literal;
            }
        }

        foreach (Match m in TextAttribute().Matches(text))
        {
            if (Visible(m.Groups[2].Value) is { } literal)
            {
                yield return $"{m.Groups[1].Value}=\"{literal}\"";
            }
        }
    }

    private static string StripCode(string razor)
    {
        var s = Comment().Replace(razor, "");
        var code = s.IndexOf("@code", StringComparison.Ordinal);
        if (code >= 0)
        {
            s = s[..code];
        }

        s = ScriptOrStyle().Replace(s, "");
        var lines = s.Split('\n').Select(l => l.Trim()).Where(l => !ControlStarts.Any(c => l.StartsWith(c, StringComparison.Ordinal)));
        return string.Join('\n', lines);
    }

    /// <summary>The text left once Razor expressions are removed, when it still holds a word that is not allowed.</summary>
    private static string? Visible(string raw)
    {
        var s = RemoveExpressions(raw);
        var words = Word().Matches(s).Select(w => w.Value).Where(w => !Allowed.Contains(w)).ToList();
        return words.Count > 0 ? s.Trim() : null;
    }

    private static string RemoveExpressions(string s)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '@' || i + 1 >= s.Length)
            {
                sb.Append(s[i]);
                continue;
            }

            if (s[i + 1] == '@')
            {
                i++;
                continue;
            }

            var j = i + 1;
            if (s[j] == '(')
            {
                j = SkipBalanced(s, j);
            }
            else if (ControlKeyword().Match(s, j) is { Success: true } keyword)
            {
                // An inline @if (...) / @foreach (...): skip the keyword and its condition.
                j = SkipBalanced(s, keyword.Index + keyword.Length - 1);
            }
            else
            {
                while (j < s.Length && (char.IsLetterOrDigit(s[j]) || s[j] is '_' or '.' or '?' or '!' || s[j] is '(' or '['))
                {
                    j = s[j] is '(' or '[' ? SkipBalanced(s, j) : j + 1;
                }
            }

            i = j - 1;
        }

        return sb.ToString();
    }

    private static int SkipBalanced(string s, int start)
    {
        var open = s[start];
        var close = open == '(' ? ')' : ']';
        var depth = 0;
        var inString = false;
        for (var j = start; j < s.Length; j++)
        {
            if (s[j] == '"' && (j == 0 || s[j - 1] != '\\'))
            {
                inString = !inString;
            }
            else if (!inString && s[j] == open)
            {
                depth++;
            }
            else if (!inString && s[j] == close && --depth == 0)
            {
                return j + 1;
            }
        }

        return s.Length;
    }

    [GeneratedRegex(@"@\*.*?\*@", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"<(script|style)\b.*?</\1>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptOrStyle();

    // Text between a tag's end and the next tag's start.
    [GeneratedRegex(@">([^<>]+)<")]
    private static partial Regex TextNode();

    [GeneratedRegex(@"\s(Label|Text|Title|Placeholder|HelperText|aria-label|title|alt|ButtonText|Tooltip)=""([^""]*)""")]
    private static partial Regex TextAttribute();

    [GeneratedRegex(@"\G(?:if|foreach|for|while|switch|using)\s*\(")]
    private static partial Regex ControlKeyword();

    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9]*")]
    private static partial Regex Word();
}
