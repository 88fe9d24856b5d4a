namespace ArbitrageEngine.Web.Localization;

/// <summary>
/// Marker type of the shared UI resources (Ui.resx = English, Ui.zh-CN.resx = Chinese). Every component injects
/// <c>IStringLocalizer&lt;Ui&gt;</c> as <c>L</c> (Components/_Imports.razor), so one key set serves the whole app.
/// </summary>
public sealed class Ui;
