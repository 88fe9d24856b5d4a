using Microsoft.Extensions.DependencyInjection;
using AngleSharp.Dom;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Components.StrategyForm;
using Bunit;
using MudBlazor;
using MudBlazor.Services;
using Form = ArbitrageEngine.Web.Components.StrategyForm.StrategyForm;

namespace ArbitrageEngine.Tests.Components.StrategyForm;

public sealed class StrategyFormTests : BunitContext, IAsyncLifetime
{
    private static readonly string[] Symbols = ["BTCUSDT", "ETHUSDT", "XRPUSDT", "SOLUSDT"];
    private readonly List<StrategyDefinition> submitted = [];

    public StrategyFormTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudSelect registers services that only dispose asynchronously; xunit 2 would otherwise call Dispose().
    Task IAsyncLifetime.DisposeAsync() => base.DisposeAsync().AsTask();

    /// <summary>Every key the validator or the service can return for an input the form shows.</summary>
    public static TheoryData<string> FieldKeys() =>
    [
        "display_name", "description", "symbol", "direction", "initial_balance", "cvd_fast_window", "cvd_slow_window",
        "weight_direction", "weight_env", "weight_aux", "weight_momentum", "weights", "entry_score",
        "vol_atr_pct_min", "whale_usd_threshold", "whale_flow_pct", "obi_threshold", "spot_perp_threshold",
        "sl_atr_multiplier", "tp1_ratio", "tp2_ratio", "timeout_minutes", "flip_threshold",
    ];

    [Theory]
    [MemberData(nameof(FieldKeys))]
    public void Submit_ServerErrorForField_ShowsMessageUnderThatField(string key)
    {
        var model = StrategyFormModel.ForCreate("BTCUSDT");
        model.GateSpotPerpEnabled = true; // off by default; its threshold must be visible to carry the error
        var message = $"Server says {key} is wrong.";
        var cut = RenderForm(model, new Dictionary<string, string> { [key] = message });

        Submit(cut);

        var error = cut.Find($"[data-testid=error-{key}]");
        Assert.Equal(message, error.TextContent.Trim());
        // The weights message sits under the four weight inputs; every other message under its own input.
        var anchor = key == "weights" ? "field-weight_direction" : $"field-{key}";
        Assert.NotNull(error.ParentElement!.QuerySelector($"[data-testid={anchor}]"));
        Assert.Empty(cut.FindAll("[data-testid=form-error]"));
    }

    [Fact]
    public void EntryScore_TypedAboveRange_KeepsValueAndShowsRangeError()
    {
        var model = StrategyFormModel.ForCreate("BTCUSDT");
        var cut = RenderForm(model);

        InputOf(cut, "entry_score").Input("120");

        // The old field clamped 120 to 95 silently; now the value stays and the range is explained.
        Assert.Equal(120, model.EntryScore);
        Assert.Equal("Must be between 60 and 95.", cut.Find("[data-testid=error-entry_score]").TextContent.Trim());
    }

    [Fact]
    public void EntryScore_InRange_ShowsNoError()
    {
        var cut = RenderForm(StrategyFormModel.ForCreate("BTCUSDT"));

        InputOf(cut, "entry_score").Input("80");

        Assert.Empty(cut.FindAll("[data-testid=error-entry_score]"));
    }

    [Fact]
    public void Submit_GeneralAndUnshownFieldErrors_ShowsThemInAlert()
    {
        var cut = RenderForm(StrategyFormModel.ForCreate("BTCUSDT"), new Dictionary<string, string>
        {
            [""] = "The strategy changed meanwhile.",
            ["tags"] = "Tags must be non-empty.",
        });

        Submit(cut);

        var alert = cut.Find("[data-testid=form-error]").TextContent;
        Assert.Contains("The strategy changed meanwhile.", alert);
        Assert.Contains("tags: Tags must be non-empty.", alert);
    }

    [Fact]
    public void Submit_ErrorForThresholdOfDisabledGate_ShowsItInAlert()
    {
        var cut = RenderForm(StrategyFormModel.ForCreate("BTCUSDT"), new Dictionary<string, string> { ["spot_perp_threshold"] = "Out of range." });

        Submit(cut);

        Assert.Contains("spot_perp_threshold: Out of range.", cut.Find("[data-testid=form-error]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=error-spot_perp_threshold]"));
    }

    [Fact]
    public void Submit_ServerAccepts_PassesDraftAndShowsNoErrors()
    {
        var model = StrategyFormModel.ForCreate("BTCUSDT");
        model.DisplayName = "Momentum BTC";
        var cut = RenderForm(model, new Dictionary<string, string>());

        Submit(cut);

        var draft = Assert.Single(submitted);
        Assert.Equal("Momentum BTC", draft.DisplayName);
        Assert.Empty(cut.FindAll("[data-testid^=error-]"));
        Assert.Empty(cut.FindAll("[data-testid=form-error]"));
    }

    [Fact]
    public void WeightsBadge_Total100_GreenAndSubmitEnabled()
    {
        var cut = RenderForm(StrategyFormModel.ForCreate("BTCUSDT"));

        var badge = cut.Find("[data-testid=weights-total]");
        Assert.Equal("Total: 100/100", badge.TextContent.Trim());
        Assert.Contains("mud-chip-color-success", badge.ClassName);
        Assert.False(SubmitButton(cut).HasAttribute("disabled"));
        Assert.Empty(cut.FindAll("[data-testid=error-weights]"));
    }

    [Fact]
    public void WeightsBadge_TotalNot100_RedWithMessageAndSubmitDisabled()
    {
        var cut = RenderForm(StrategyFormModel.ForCreate("BTCUSDT"));

        cut.Find("[data-testid=field-weight_direction] input, input[data-testid=field-weight_direction]").Input("60");

        var badge = cut.Find("[data-testid=weights-total]");
        Assert.Equal("Total: 105/100", badge.TextContent.Trim());
        Assert.Contains("mud-chip-color-error", badge.ClassName);
        Assert.Equal("weights must total 100, currently 105", cut.Find("[data-testid=error-weights]").TextContent.Trim());
        Assert.True(SubmitButton(cut).HasAttribute("disabled"));
    }

    [Fact]
    public void SymbolChange_CreateMode_PrefillsRecommendedGateValues()
    {
        var model = StrategyFormModel.ForCreate("BTCUSDT");
        model.GateSpotPerpEnabled = true;
        var cut = RenderForm(model);

        var select = cut.FindComponents<MudSelect<string>>().Single();
        cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync("SOLUSDT"));

        Assert.Equal("SOLUSDT", model.Symbol);
        Assert.Equal(0.004, model.VolAtrPctMin);
        Assert.Equal(20_000, model.WhaleUsdThreshold);
        Assert.Equal(0.45, model.ObiThreshold);
        Assert.Equal(0.008, model.SpotPerpThreshold);
        Assert.Equal("0.45", InputValue(cut, "obi_threshold"));
        Assert.Equal("0.008", InputValue(cut, "spot_perp_threshold"));
        Assert.Equal("SOLUSDT", Assert.Single(SubmitAndGetDrafts(cut)).Symbol);
    }

    [Fact]
    public void ChangeSymbol_EditMode_KeepsSymbolAndGateValues()
    {
        var existing = StrategyDefinition.CreateDefault("BTCUSDT", "Old") with { StrategyId = Guid.NewGuid(), ObiThreshold = 0.5 };
        var model = StrategyFormModel.ForEdit(existing);

        model.ChangeSymbol("SOLUSDT");

        Assert.Equal("BTCUSDT", model.Symbol);
        Assert.Equal(0.5, model.ObiThreshold);
    }

    [Fact]
    public void Render_EditMode_SymbolAndInitialBalanceReadOnlyAndSaveButton()
    {
        var existing = StrategyDefinition.CreateDefault("ETHUSDT", "Old") with { StrategyId = Guid.NewGuid(), InitialBalance = 5_000, CurrentBalance = 6_000 };
        var cut = RenderForm(StrategyFormModel.ForEdit(existing));

        Assert.Empty(cut.FindComponents<MudSelect<string>>());
        Assert.True(InputOf(cut, "symbol").HasAttribute("readonly"));
        Assert.Equal("ETHUSDT", InputOf(cut, "symbol").GetAttribute("value"));
        Assert.True(InputOf(cut, "initial_balance").HasAttribute("readonly"));
        Assert.False(InputOf(cut, "display_name").HasAttribute("readonly"));
        Assert.Equal("Save", SubmitButton(cut).TextContent.Trim());
    }

    [Fact]
    public void Render_CreateMode_SymbolEditableAndCreateButton()
    {
        var cut = RenderForm(StrategyFormModel.ForCreate("BTCUSDT"));

        Assert.Single(cut.FindComponents<MudSelect<string>>());
        Assert.False(InputOf(cut, "initial_balance").HasAttribute("readonly"));
        Assert.Equal("Create and start", SubmitButton(cut).TextContent.Trim());
    }

    [Fact]
    public void Render_DefaultGates_SpotPerpThresholdHiddenOthersShown()
    {
        var cut = RenderForm(StrategyFormModel.ForCreate("BTCUSDT"));

        Assert.Empty(cut.FindAll("[data-testid=field-spot_perp_threshold]"));
        Assert.NotEmpty(cut.FindAll("[data-testid=field-vol_atr_pct_min]"));
        Assert.NotEmpty(cut.FindAll("[data-testid=field-obi_threshold]"));
        Assert.NotEmpty(cut.FindAll("[data-testid=field-whale_usd_threshold]"));
    }

    [Fact]
    public void GateToggle_SwitchedOff_HidesItsThresholds()
    {
        var model = StrategyFormModel.ForCreate("BTCUSDT");
        var cut = RenderForm(model);

        cut.Find("[data-testid=gate-whale] input, input[data-testid=gate-whale]").Change(false);

        Assert.False(model.GateWhaleEnabled);
        Assert.Empty(cut.FindAll("[data-testid=field-whale_usd_threshold]"));
        Assert.Empty(cut.FindAll("[data-testid=field-whale_flow_pct]"));
        Assert.NotEmpty(cut.FindAll("[data-testid=field-obi_threshold]"));
    }

    [Fact]
    public void Render_RiskValues_ExplainsPriceDistanceInAtr()
    {
        var model = StrategyFormModel.ForCreate("BTCUSDT");
        model.SlAtrMultiplier = 2;
        model.Tp1Ratio = 0.5;
        model.Tp2Ratio = 1.5;
        var cut = RenderForm(model);

        var text = cut.Find("[data-testid=risk-explanation]").TextContent;
        Assert.Contains("1R = the stop distance = 2 × ATR", text);
        Assert.Contains("TP1 at 0.5R is 1 × ATR", text);
        Assert.Contains("TP2 at 1.5R is 3 × ATR", text);
        Assert.Contains("Reaching TP2 earns 1R", text);
    }

    private IRenderedComponent<Form> RenderForm(StrategyFormModel model, IReadOnlyDictionary<string, string>? serverErrors = null) =>
        Render<Form>(p => p
            .Add(c => c.Model, model)
            .Add(c => c.Symbols, Symbols)
            .Add(c => c.OnSubmit, draft =>
            {
                submitted.Add(draft);
                return Task.FromResult(serverErrors ?? new Dictionary<string, string>());
            }));

    private List<StrategyDefinition> SubmitAndGetDrafts(IRenderedComponent<Form> cut)
    {
        Submit(cut);
        return submitted;
    }

    private static void Submit(IRenderedComponent<Form> cut) => SubmitButton(cut).Click();

    private static IElement SubmitButton(IRenderedComponent<Form> cut) => cut.Find("[data-testid=form-submit]");

    /// <summary>The input element of a field, whether MudBlazor put the data-testid on it or on its wrapper.</summary>
    private static IElement InputOf(IRenderedComponent<Form> cut, string key) =>
        cut.Find($"input[data-testid=field-{key}], [data-testid=field-{key}] input");

    private static string? InputValue(IRenderedComponent<Form> cut, string key) => InputOf(cut, key).GetAttribute("value");
}
