using System.ComponentModel.DataAnnotations;
using ArbitrageEngine.Web.Localization;
using ArbitrageEngine.Web.Persistence;
using ArbitrageEngine.Web.Persistence.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ArbitrageEngine.Web.Accounts;

public sealed class RegisterRequest
{
    [Required(ErrorMessageResourceType = typeof(AccountText), ErrorMessageResourceName = nameof(AccountText.UserNameRequired))]
    [StringLength(32, MinimumLength = 3, ErrorMessageResourceType = typeof(AccountText), ErrorMessageResourceName = nameof(AccountText.UserNameLength))]
    [RegularExpression("^[A-Za-z0-9_.-]+$", ErrorMessage = "User name may contain only letters, digits, '_', '.' and '-'.")]
    public string UserName { get; set; } = "";

    private string? email;

    /// <summary>Optional; blank input counts as none.</summary>
    [EmailAddress(ErrorMessageResourceType = typeof(AccountText), ErrorMessageResourceName = nameof(AccountText.EmailInvalid))]
    [StringLength(256)]
    public string? Email
    {
        get => email;
        set => email = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    [Required(ErrorMessageResourceType = typeof(AccountText), ErrorMessageResourceName = nameof(AccountText.PasswordRequired))]
    [StringLength(128, MinimumLength = 12, ErrorMessageResourceType = typeof(AccountText), ErrorMessageResourceName = nameof(AccountText.PasswordLength))]
    public string Password { get; set; } = "";

    [Required(ErrorMessageResourceType = typeof(AccountText), ErrorMessageResourceName = nameof(AccountText.RepeatPassword))]
    [Compare(nameof(Password), ErrorMessageResourceType = typeof(AccountText), ErrorMessageResourceName = nameof(AccountText.PasswordsDiffer))]
    public string ConfirmPassword { get; set; } = "";

    [Required(ErrorMessageResourceType = typeof(AccountText), ErrorMessageResourceName = nameof(AccountText.InviteRequired))]
    [StringLength(64)]
    public string InviteCode { get; set; } = "";
}

/// <summary>
/// Registration with an invite code. The code's use is consumed by one conditional UPDATE in the same transaction
/// as the user creation: of concurrent registrations racing for the last use, exactly one succeeds.
/// </summary>
public sealed class RegistrationService(ArbitrageDbContext db, UserManager<AppUser> userManager, AuditLog audit, InviteService invites)
{
    private const string ConsumeSql = """
        UPDATE invite_codes SET uses = uses + 1
        WHERE code = @code AND active AND uses < max_uses AND (expires_at IS NULL OR expires_at > now())
        RETURNING id
        """;

    public async Task<OperationResult<AppUser>> RegisterAsync(RegisterRequest request, string? ip, CancellationToken cancellationToken = default)
    {
        var validation = OperationResult.Validate(request);
        if (!validation.Succeeded)
        {
            return validation;
        }

        // PostgreSQL text cannot hold NUL: control characters are a field error, never a database failure.
        if (request.Email?.Any(char.IsControl) == true)
        {
            return OperationResult.Fail(nameof(RegisterRequest.Email), "Not a valid e-mail address.");
        }

        if (request.InviteCode.Any(char.IsControl))
        {
            return OperationResult.Fail(nameof(RegisterRequest.InviteCode), "This invite code is not valid.");
        }

        var code = InviteService.Normalize(request.InviteCode);
        var email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim();
        var userName = request.UserName.Trim();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var inviteId = await ConsumeAsync(code, transaction, cancellationToken);
        if (inviteId is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            var status = await invites.CheckAsync(code, cancellationToken);
            return OperationResult.Fail(nameof(RegisterRequest.InviteCode), status switch
            {
                null => "This invite code does not exist.",
                InviteStatus.Disabled => "This invite code has been disabled.",
                InviteStatus.Expired => "This invite code has expired.",
                _ => "This invite code has no uses left.",
            });
        }

        var user = new AppUser { UserName = userName, Email = email, CreatedAt = DateTimeOffset.UtcNow };
        IdentityResult created;
        try
        {
            created = await userManager.CreateAsync(user, request.Password);
        }
        catch (DbUpdateException)
        {
            created = IdentityResult.Failed(new IdentityError { Code = "DuplicateUserName", Description = $"User name '{userName}' is already taken." });
        }

        if (!created.Succeeded)
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return MapIdentityErrors(created);
        }

        var roleResult = await userManager.AddToRoleAsync(user, Roles.User);
        if (!roleResult.Succeeded)
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return MapIdentityErrors(roleResult);
        }

        db.InviteCodeUses.Add(new InviteCodeUse { InviteCodeId = inviteId.Value, UserId = user.Id, UserName = userName, Ip = ip });
        audit.Add(new AuditActor(userName, user.Id, ip), "user.register", "user", user.Id, null, new { user_name = userName, email, invite_code = code });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new OperationResult<AppUser>(user, OperationResult.Ok);
    }

    private async Task<Guid?> ConsumeAsync(string code, IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText = ConsumeSql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "code";
        parameter.Value = code;
        command.Parameters.Add(parameter);
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is Guid id ? id : null;
    }

    private static OperationResult MapIdentityErrors(IdentityResult result)
    {
        var errors = new Dictionary<string, string>();
        foreach (var error in result.Errors)
        {
            var field = error.Code switch
            {
                var c when c.StartsWith("Password", StringComparison.Ordinal) || c == CommonPasswordValidator.ErrorCode => nameof(RegisterRequest.Password),
                var c when c.Contains("UserName", StringComparison.Ordinal) => nameof(RegisterRequest.UserName),
                var c when c.Contains("Email", StringComparison.Ordinal) => nameof(RegisterRequest.Email),
                _ => "",
            };
            errors[field] = errors.TryGetValue(field, out var existing) ? existing + " " + error.Description : error.Description;
        }

        return new OperationResult(errors);
    }
}
