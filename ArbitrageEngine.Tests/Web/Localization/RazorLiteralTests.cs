namespace ArbitrageEngine.Tests.Web.Localization;

/// <summary>No .razor file in the localised part of the UI may show English that bypasses the resources.</summary>
public sealed class RazorLiteralTests
{
    private static readonly string[] Excluded = [];

    public static TheoryData<string> RazorFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoFiles.WebProject, "Components"), "*.razor", SearchOption.AllDirectories).Order())
        {
            var relative = Path.GetRelativePath(RepoFiles.WebProject, file);
            if (!Excluded.Any(e => relative.StartsWith(e, StringComparison.Ordinal)) && !relative.EndsWith("_Imports.razor", StringComparison.Ordinal))
            {
                data.Add(relative);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RazorFiles))]
    public void Razor_File_HasNoLiteralUiText(string relativePath)
    {
        var literals = RazorLiteralScanner.Scan(File.ReadAllText(Path.Combine(RepoFiles.WebProject, relativePath))).ToList();

        Assert.True(literals.Count == 0, $"{relativePath} shows literal text: {string.Join(" | ", literals)}");
    }

    [Theory]
    [InlineData("<MudText>Hello world</MudText>", "Hello world")]
    [InlineData("<MudButton Label=\"Save now\" />", "Label=\"Save now\"")]
    [InlineData("<span>Total: @count</span>", "Total:")]
    public void Scan_LiteralText_IsFound(string razor, string expected) => Assert.Contains(expected, RazorLiteralScanner.Scan(razor));

    [Theory]
    [InlineData("<MudText>@L[\"Plaza.Title\"]</MudText>")]
    [InlineData("<MudButton Label=\"@L[\"Common.Save\"]\" />")]
    [InlineData("<span>@Fmt.R(x) · BTC</span>")]
    [InlineData("@if (x)\n{\n<b>@(a ? L[\"A\"] : L[\"B\"])</b>\n}\nelse\n{\n<i>@y</i>\n}")]
    [InlineData("<p>@x</p>\n@code {\n private string s = \"<b>Hello there</b>\";\n}")]
    public void Scan_LocalisedOrCode_FindsNothing(string razor) => Assert.Empty(RazorLiteralScanner.Scan(razor));
}
