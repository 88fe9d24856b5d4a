using System.Security.Claims;
using ArbitrageEngine.Web.Persistence.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Accounts;

/// <summary>
/// Sign-in rules on top of Identity's: banned users can neither sign in nor keep a session; "no such user", "wrong
/// password", "banned" and "locked" look the same until the password is right (one hash each, same delays), and
/// repeated failures slow the account name down (<see cref="SignInThrottle"/>) instead of locking it.
/// </summary>
public sealed class AppSignInManager(
    UserManager<AppUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<AppUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation,
    SignInThrottle throttle)
    : SignInManager<AppUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    // A real PBKDF2 hash to verify against when the user does not exist, so that case costs what a wrong password costs.
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<AppUser>().HashPassword(new AppUser(), Guid.NewGuid().ToString("N")));

    public override async Task<bool> CanSignInAsync(AppUser user) => !user.IsBanned && await base.CanSignInAsync(user);

    public override async Task<AppUser?> ValidateSecurityStampAsync(ClaimsPrincipal? principal)
    {
        var user = await base.ValidateSecurityStampAsync(principal);
        return user is { IsBanned: false } ? user : null;
    }

    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        await throttle.WaitAsync(userName);
        // A name with control characters (NUL cannot even be sent to PostgreSQL) is simply no such user.
        var user = userName.Any(char.IsControl) ? null : await UserManager.FindByNameAsync(userName);
        if (user is null)
        {
            UserManager.PasswordHasher.VerifyHashedPassword(new AppUser(), DummyHash.Value, password);
            throttle.Failed(userName);
            return SignInResult.Failed;
        }

        if (!await UserManager.CheckPasswordAsync(user, password))
        {
            throttle.Failed(userName);
            await UserManager.AccessFailedAsync(user);
            return SignInResult.Failed;
        }

        // Only someone who knows the password learns that the account is banned or locked.
        if (user.IsBanned)
        {
            return SignInResult.NotAllowed;
        }

        if (await IsLockedOut(user))
        {
            return SignInResult.LockedOut;
        }

        throttle.Succeeded(userName);
        await UserManager.ResetAccessFailedCountAsync(user);
        return await SignInOrTwoFactorAsync(user, isPersistent);
    }

    /// <summary>Checks the current password for a sensitive change; a wrong one counts like a failed sign-in.</summary>
    public async Task<bool> CheckCurrentPasswordAsync(AppUser user, string password)
    {
        var name = user.UserName ?? "";
        await throttle.WaitAsync(name);
        if (await UserManager.CheckPasswordAsync(user, password))
        {
            throttle.Succeeded(name);
            return true;
        }

        throttle.Failed(name);
        await UserManager.AccessFailedAsync(user);
        return false;
    }
}
