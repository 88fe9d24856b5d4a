namespace ArbitrageEngine.Engine.Conformance;

/// <summary>
/// Finds the project's shared specification data (golden streams, real captures): the repository expects
/// <c>shared/</c> beside it, so look for <c>shared/&lt;relative&gt;</c> in the start folder and each parent.
/// </summary>
public static class SharedData
{
    public static string? Find(string relativePath, string? startDirectory = null)
    {
        for (var dir = new DirectoryInfo(startDirectory ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
