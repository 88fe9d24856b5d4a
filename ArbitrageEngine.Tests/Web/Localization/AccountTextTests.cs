using System.Globalization;
using ArbitrageEngine.Web.Localization;

namespace ArbitrageEngine.Tests.Web.Localization;

public sealed class AccountTextTests : IDisposable
{
    private readonly CultureInfo original = CultureInfo.CurrentUICulture;

    public void Dispose() => CultureInfo.CurrentUICulture = original;

    [Theory]
    [InlineData("en", "This invite code has expired.", "This invite code has expired.")]
    [InlineData("zh-CN", "This invite code has expired.", "此邀请码已过期。")]
    [InlineData("zh-CN", "User name 'bob' is already taken.", "用户名“bob”已被占用。")]
    [InlineData("zh-CN", "At most 20 active tokens; revoke one first.", "最多只能有 20 个有效令牌，请先撤销一个。")]
    [InlineData("zh-CN", "Password is required. The passwords do not match.", "密码为必填项。 两次输入的密码不一致。")]
    [InlineData("zh-CN", "Some rule added later.", "Some rule added later.")]
    public void Localize_ServiceMessage_InUiLanguage(string culture, string message, string expected)
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);

        Assert.Equal(expected, AccountText.Localize(message));
    }

    [Fact]
    public void ValidationProperty_Chinese_ReadsResource()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(AppCultures.Chinese);

        Assert.Equal("请输入 6 位验证码。", AccountText.CodeRequired);
    }
}
