using TasksConsole.Core.Auth;

namespace TasksConsole.Web.Admin;

/// <summary>
/// A hint, not a rule: the service only enforces the length. Length counts most, then variety; common patterns
/// are beyond a few lines of code, so the wording stays modest ("fair", not "secure").
/// </summary>
public sealed record PasswordStrength(int Score, string Label, string Hint)
{
    public const int MaxScore = 4;

    public static PasswordStrength Of(string? password)
    {
        password ??= "";
        if (password.Length < UserService.MinPasswordLength)
        {
            return new(0, "Too short", $"At least {UserService.MinPasswordLength} characters.");
        }
        var classes = new[]
        {
            password.Any(char.IsLower), password.Any(char.IsUpper), password.Any(char.IsDigit),
            password.Any(c => !char.IsLetterOrDigit(c)),
        }.Count(present => present);
        var score = 1
            + (password.Length >= 12 ? 1 : 0)
            + (password.Length >= 16 ? 1 : 0)
            + (classes >= 3 ? 1 : 0);
        if (password.Distinct().Count() <= 3) score = 1;
        return score switch
        {
            1 => new(1, "Weak", "Longer is better: 12 characters or more, or a few unrelated words."),
            2 => new(2, "Fair", "16 characters or more, or a mix of letters, digits and symbols, make it stronger."),
            3 => new(3, "Good", "A password manager can generate and keep an even longer one."),
            _ => new(MaxScore, "Strong", "Long and varied."),
        };
    }
}
