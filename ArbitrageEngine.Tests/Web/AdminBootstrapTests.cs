using ArbitrageEngine.Web.Accounts;

namespace ArbitrageEngine.Tests.Web;

public sealed class AdminBootstrapTests
{
    [Fact]
    public void NewPassword_Called_IsRandomLongAndMixed()
    {
        var a = AdminBootstrap.NewPassword();
        var b = AdminBootstrap.NewPassword();

        Assert.NotEqual(a, b);
        Assert.Equal(20, a.Length);
        Assert.Contains(a, char.IsUpper);
        Assert.Contains(a, char.IsLower);
        Assert.Contains(a, char.IsDigit);
    }
}
