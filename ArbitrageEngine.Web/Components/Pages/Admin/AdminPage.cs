using ArbitrageEngine.Web.Components.Shared;

namespace ArbitrageEngine.Web.Components.Pages.Admin;

/// <summary>Base for interactive admin pages (scoped service calls and the acting user come from <see cref="DataPage"/>).</summary>
public abstract class AdminPage : DataPage;
