namespace ArbitrageEngine.Tests.Web.Localization;

/// <summary>Source files of the repository, found from the test binaries by walking up to the solution file.</summary>
internal static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string WebProject => Path.Combine(Root, "ArbitrageEngine.Web");

    public static string Resx(string culture = "") =>
        Path.Combine(WebProject, "Localization", culture == "" ? "Ui.resx" : $"Ui.{culture}.resx");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ArbitrageEngine.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ArbitrageEngine.sln not found above " + AppContext.BaseDirectory);
    }
}
