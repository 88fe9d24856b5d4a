namespace ArbitrageEngine.Web.Accounts;

/// <summary>Account flags kept as Identity user claims (asp_net_user_claims), so they need no schema change.</summary>
public static class AccountClaims
{
    /// <summary>Set on the bootstrap admin whose random password was printed: pages stay closed until it is changed.</summary>
    public const string MustChangePassword = "ae:must_change_password";
}
