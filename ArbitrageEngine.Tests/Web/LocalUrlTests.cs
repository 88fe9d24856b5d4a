using ArbitrageEngine.Web.Components.Account;

namespace ArbitrageEngine.Tests.Web;

public sealed class LocalUrlTests
{
    [Theory]
    [InlineData("/plaza", "/plaza")]
    [InlineData("/admin/users?x=1", "/admin/users?x=1")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    public void Safe_ReturnUrl_OnlyLocalPathsPass(string? input, string expected) => Assert.Equal(expected, LocalUrl.Safe(input));
}
