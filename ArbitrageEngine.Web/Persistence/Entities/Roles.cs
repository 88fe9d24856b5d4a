namespace ArbitrageEngine.Web.Persistence.Entities;

/// <summary>The two role names of the product.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string User = "user";

    public static IReadOnlyList<string> All { get; } = [Admin, User];
}
