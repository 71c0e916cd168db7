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
public sealed class SignInService(UserService users, FailedSignInLimiter limiter)
{
    public async Task<SignInResult> SignInAsync(string email, string password, string? clientAddress, CancellationToken cancellationToken = default)
    {
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
}
