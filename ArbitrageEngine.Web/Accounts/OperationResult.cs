using System.ComponentModel.DataAnnotations;

namespace ArbitrageEngine.Web.Accounts;

/// <summary>Outcome of a state-changing operation: success, or messages keyed by field name ("" = whole form).</summary>
public sealed record OperationResult(IReadOnlyDictionary<string, string> Errors)
{
    public static OperationResult Ok { get; } = new(new Dictionary<string, string>());

    public bool Succeeded => Errors.Count == 0;

    public static OperationResult Fail(string field, string message) => new(new Dictionary<string, string> { [field] = message });

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var message) ? message : null;

    /// <summary>Data-annotation validation of a request object; one message per field.</summary>
    public static OperationResult Validate(object request)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(request, new ValidationContext(request), results, validateAllProperties: true);
        var errors = new Dictionary<string, string>();
        foreach (var result in results)
        {
            foreach (var member in result.MemberNames.DefaultIfEmpty(""))
            {
                errors.TryAdd(member, result.ErrorMessage ?? "Invalid value.");
            }
        }

        return new OperationResult(errors);
    }
}

/// <summary>A successful operation's value, or errors.</summary>
public sealed record OperationResult<T>(T? Value, OperationResult Status)
{
    public bool Succeeded => Status.Succeeded;

    public static implicit operator OperationResult<T>(OperationResult failure) => new(default, failure);
}
