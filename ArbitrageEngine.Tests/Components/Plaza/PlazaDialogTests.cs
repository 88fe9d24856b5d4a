using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Components.Plaza;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace ArbitrageEngine.Tests.Components.Plaza;

public sealed class PlazaDialogTests : MudTestContext
{
    private readonly List<decimal> _submitted = [];
    private OperationResult _serverAnswer = OperationResult.Ok;

    private async Task<(IRenderedComponent<MudDialogProvider> Provider, IDialogReference Dialog)> ShowAddBalanceAsync()
    {
        var provider = Render<MudDialogProvider>();
        var parameters = new DialogParameters<AddBalanceDialog>
        {
            { d => d.Name, "alpha" },
            { d => d.InitialBalance, 10_000d },
            { d => d.CurrentBalance, 9_500d },
            {
                d => d.Submit, amount =>
                {
                    _submitted.Add(amount);
                    return Task.FromResult(_serverAnswer);
                }
            },
        };
        var dialog = await provider.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<AddBalanceDialog>("Add balance", parameters));
        return (provider, dialog);
    }

    [Fact]
    public async Task AddBalance_DefaultAmount_PreviewsBalancesPlus1000()
    {
        var (provider, _) = await ShowAddBalanceAsync();

        Assert.Equal("1000", provider.Find("input[data-testid=add-balance-amount]").GetAttribute("value"));
        Assert.Equal("11,000.00 USDT", provider.Find("[data-testid=preview-initial]").TextContent.Trim());
        Assert.Equal("10,500.00 USDT", provider.Find("[data-testid=preview-current]").TextContent.Trim());
    }

    [Fact]
    public async Task AddBalance_AmountChanged_PreviewFollows()
    {
        var (provider, _) = await ShowAddBalanceAsync();

        provider.Find("input[data-testid=add-balance-amount]").Input("2500");

        provider.WaitForAssertion(() => Assert.Equal("12,500.00 USDT", provider.Find("[data-testid=preview-initial]").TextContent.Trim()));
        Assert.Equal("12,000.00 USDT", provider.Find("[data-testid=preview-current]").TextContent.Trim());
    }

    [Theory]
    [InlineData("50")]
    [InlineData("-200")]
    public async Task AddBalance_AmountTheDialogRejects_PreviewsNoTotal(string amount)
    {
        var (provider, _) = await ShowAddBalanceAsync();

        provider.Find("input[data-testid=add-balance-amount]").Input(amount);

        provider.WaitForAssertion(() => Assert.Equal("—", provider.Find("[data-testid=preview-initial]").TextContent.Trim()));
        Assert.Equal("—", provider.Find("[data-testid=preview-current]").TextContent.Trim());
    }

    [Fact]
    public async Task AddBalance_ZeroAmount_ShowsGreaterThanZeroErrorAndDoesNotSubmit()
    {
        var (provider, dialog) = await ShowAddBalanceAsync();

        provider.Find("input[data-testid=add-balance-amount]").Input("0");
        provider.Find("[data-testid=add-balance-confirm]").Click();

        provider.WaitForAssertion(() => Assert.Contains("amount must be greater than 0", provider.Markup));
        Assert.Empty(_submitted);
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task AddBalance_ServerRejects_ShowsServerErrorAndStaysOpen()
    {
        _serverAnswer = OperationResult.Fail("", "Strategy not found.");
        var (provider, dialog) = await ShowAddBalanceAsync();

        provider.Find("[data-testid=add-balance-confirm]").Click();

        provider.WaitForAssertion(() => Assert.Equal("Strategy not found.", provider.Find("[data-testid=add-balance-error]").TextContent.Trim()));
        Assert.Equal([1000m], _submitted);
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task AddBalance_ServerRejectsAmount_ShowsItOnTheField()
    {
        _serverAnswer = OperationResult.Fail("amount", "The amount must be more than 0 and at most 1,000,000 USDT.");
        var (provider, _) = await ShowAddBalanceAsync();

        provider.Find("[data-testid=add-balance-confirm]").Click();

        provider.WaitForAssertion(() => Assert.Contains("at most 1,000,000 USDT", provider.Markup));
    }

    [Fact]
    public async Task AddBalance_Accepted_ClosesWithTheAmount()
    {
        var (provider, dialog) = await ShowAddBalanceAsync();

        provider.Find("[data-testid=add-balance-confirm]").Click();

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(result!.Canceled);
        Assert.Equal(1000m, result.Data);
    }

    [Theory]
    [InlineData(null, "amount must be greater than 0")]
    [InlineData(-100, "amount must be greater than 0")]
    [InlineData(50, "amount must be at least 100")]
    [InlineData(100, null)]
    public void Validate_Amount_RejectsNonPositiveAndBelowStep(int? amount, string? expected)
    {
        Assert.Equal(expected, AddBalanceDialog.Validate(amount));
    }

    [Fact]
    public async Task Confirm_Deprecate_ShowsMessageAndConfirmReturnsOk()
    {
        var provider = Render<MudDialogProvider>();
        var parameters = new DialogParameters<ConfirmDialog>
        {
            { d => d.Title, "Deprecate alpha?" },
            { d => d.Message, ConfirmDialog.DeprecateMessage },
            { d => d.ConfirmText, "Deprecate" },
        };
        var dialog = await provider.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<ConfirmDialog>("Deprecate alpha?", parameters));

        Assert.Contains("can be re-enabled from the deprecated list", provider.Find("[data-testid=confirm-message]").TextContent);
        provider.Find("[data-testid=confirm-ok]").Click();

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(result!.Canceled);
    }

    [Fact]
    public async Task Confirm_Cancel_ReturnsCanceled()
    {
        var provider = Render<MudDialogProvider>();
        var parameters = new DialogParameters<ConfirmDialog> { { d => d.Message, ConfirmDialog.RestoreMessage } };
        var dialog = await provider.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<ConfirmDialog>("Restore?", parameters));

        Assert.Contains("keeps its balance and history", provider.Markup);
        provider.Find("[data-testid=confirm-cancel]").Click();

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(result!.Canceled);
    }
}
