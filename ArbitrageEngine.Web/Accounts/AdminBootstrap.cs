using System.Security.Cryptography;
using ArbitrageEngine.Web.Persistence.Entities;
using ArbitrageEngine.Web.Hosting;
using Microsoft.AspNetCore.Identity;

namespace ArbitrageEngine.Web.Accounts;

/// <summary>
/// At start-up: makes sure the roles exist and, when no admin exists, creates one with a random password and a
/// fresh invite code, printed once to the console. <c>Seed:AdminPassword</c> (configuration only, no default) fixes
/// the password, for tests.
/// </summary>
public sealed partial class AdminBootstrap(
    DatabaseEndpoint endpoint,
    IServiceScopeFactory scopeFactory,
    IConfiguration configuration,
    ILogger<AdminBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await endpoint.Ready;
        await using var scope = scopeFactory.CreateAsyncScope();
        var roleManager = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roleManager.RoleExistsAsync(role))
            {
                await roleManager.CreateAsync(new IdentityRole(role));
            }
        }

        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        if ((await userManager.GetUsersInRoleAsync(Roles.Admin)).Count > 0)
        {
            LogAdminExists(logger);
            return;
        }

        var userName = configuration["Seed:AdminUserName"] is { Length: > 0 } configured ? configured : "admin";
        var seeded = configuration["Seed:AdminPassword"] is { Length: > 0 };
        var password = seeded ? configuration["Seed:AdminPassword"]! : NewPassword();
        var admin = await userManager.FindByNameAsync(userName);
        if (admin is null)
        {
            admin = new AppUser { UserName = userName };
            Check(await userManager.CreateAsync(admin, password));
            Check(await userManager.AddToRoleAsync(admin, Roles.User));
        }
        else
        {
            // An existing account of that name becomes the admin; its password is reset so the printed one works.
            Check(await userManager.RemovePasswordAsync(admin));
            Check(await userManager.AddPasswordAsync(admin, password));
        }

        Check(await userManager.AddToRoleAsync(admin, Roles.Admin));
        if (!seeded)
        {
            // The printed password has been on a console (and maybe in a log): it must be replaced at first sign-in.
            // A password fixed through Seed:AdminPassword (automation) is exempt.
            Check(await userManager.AddClaimAsync(admin, new System.Security.Claims.Claim(AccountClaims.MustChangePassword, "1")));
        }

        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        await audit.WriteAsync(AuditActor.System, "user.bootstrap_admin", "user", admin.Id, null, new { user_name = userName, roles = new[] { Roles.Admin, Roles.User } }, cancellationToken);

        var invites = scope.ServiceProvider.GetRequiredService<InviteService>();
        var invite = await invites.GenerateAsync(new GenerateInvitesRequest { Count = 1, MaxUses = 1, ExpiresInDays = 7 }, AuditActor.System, cancellationToken);

        Console.WriteLine($"""

            ================================================================
             ArbitrageEngine: first start, an admin account was created.
               login:       {userName}
               password:    {(seeded ? "(as set by Seed:AdminPassword)" : password)}
               invite code: {invite.Value?[0]}  (1 use, 7 days)
             This is shown only once.{(seeded ? "" : " You must change the password at first sign-in.")}
            ================================================================

            """);
        LogAdminCreated(logger, userName);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A random password with upper and lower case letters and digits (RandomNumberGenerator).</summary>
    public static string NewPassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        while (true)
        {
            var candidate = RandomNumberGenerator.GetString(alphabet, 20);
            if (candidate.Any(char.IsUpper) && candidate.Any(char.IsLower) && candidate.Any(char.IsDigit))
            {
                return candidate;
            }
        }
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Creating the admin account failed: " + string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "An admin account exists; nothing to bootstrap")]
    private static partial void LogAdminExists(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created admin account {UserName}; its password and an invite code were printed to the console")]
    private static partial void LogAdminCreated(ILogger logger, string userName);
}
