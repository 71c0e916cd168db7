using TasksConsole.Core.Audit;

namespace TasksConsole.Core.Auth;

public enum SignInStatus
{
    Success,
    InvalidCredentials,
    Disabled,
    Throttled,
}

public sealed record SignInResult(SignInStatus Status, UserSession? User = null, TimeSpan RetryAfter = default);

/// <summary>Password sign-in behind the failure limiter; shared by the OAuth password grant and the console login.</summary>
public sealed class SignInService(UserService users, FailedSignInLimiter limiter, AuditTrail? audit = null)
{
    public async Task<SignInResult> SignInAsync(string email, string password, string? clientAddress, CancellationToken cancellationToken = default)
    {
        var result = await CheckAsync(email, password, clientAddress, cancellationToken);
        Audit(email, clientAddress, result);
        return result;
    }

    /// <summary>
    /// True when the email or password is longer than any account can have. Checked before anything else, so a
    /// megabyte-long username costs neither a hash, nor a limiter entry, nor a database query.
    /// </summary>
    public static bool IsTooLong(string email, string password) =>
        email.Length > UserService.MaxEmailLength || password.Length > UserService.MaxPasswordLength;

    private async Task<SignInResult> CheckAsync(string email, string password, string? clientAddress, CancellationToken cancellationToken)
    {
        if (IsTooLong(email, password)) return new SignInResult(SignInStatus.InvalidCredentials);

        if (!limiter.TryStart(email, clientAddress, out var retryAfter))
        {
            return new SignInResult(SignInStatus.Throttled, RetryAfter: retryAfter);
        }

        var check = await users.CheckPasswordAsync(email, password, cancellationToken);
        switch (check.Status)
        {
            case CredentialStatus.Success:
                limiter.Succeeded(email, clientAddress);
                return new SignInResult(SignInStatus.Success, check.User);
            case CredentialStatus.Disabled:
                return new SignInResult(SignInStatus.Disabled);
            default:
                return new SignInResult(SignInStatus.InvalidCredentials);
        }
    }

    /// <summary>Who signed in, or tried to (the email given, never the password), from where, and why it failed.</summary>
    private void Audit(string email, string? clientAddress, SignInResult result)
    {
        if (audit is null) return;
        var source = AuditContext.Current.Source;
        if (result is { Status: SignInStatus.Success, User: { } user })
        {
            audit.Record(AuditActions.SignIn, "user", user.Id, $"{user.Email} signed in.",
                actor: new AuditActor(user.Id, user.Email, null, source, clientAddress));
            return;
        }
        var why = result.Status switch
        {
            SignInStatus.Disabled => "the account is disabled",
            SignInStatus.Throttled => "too many failed attempts",
            _ => "wrong email or password",
        };
        // An over-long email is cut, so a flood of huge usernames cannot bloat the audit trail.
        var shown = email.Length > UserService.MaxEmailLength ? email[..UserService.MaxEmailLength] + "…" : email;
        audit.Record(AuditActions.SignInFailed, "user", null, $"Sign-in as {shown} failed: {why}.", new { reason = why },
            new AuditActor(null, shown, null, source, clientAddress));
    }
}
