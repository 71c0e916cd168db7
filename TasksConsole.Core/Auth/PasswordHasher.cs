using System.Globalization;
using System.Security.Cryptography;

namespace TasksConsole.Core.Auth;

public enum PasswordCheckResult
{
    Failed,
    Success,

    /// <summary>Correct, but hashed with weaker parameters than today's; store a fresh hash.</summary>
    SuccessRehashNeeded,
}

/// <summary>
/// PBKDF2-HMAC-SHA256 with a per-password salt. The stored form names its scheme and iteration count
/// (<c>pbkdf2-sha256$v1$600000$salt$hash</c>), so the work factor can be raised later and old hashes upgraded at
/// the next successful sign-in.
/// </summary>
public static class PasswordHasher
{
    private const string Scheme = "pbkdf2-sha256";
    private const string Version = "v1";

    /// <summary>
    /// OWASP's figure for PBKDF2-HMAC-SHA256 (about 0.3 s per check on one core of a small host). Hashes stored with
    /// fewer iterations are rehashed at their next successful sign-in.
    /// </summary>
    public const int Iterations = 600_000;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // Verified against when the email is unknown, so that a miss costs as long as a wrong password and response
    // times do not reveal which addresses have accounts.
    private static readonly Lazy<string> DummyHash = new(() => Hash(Convert.ToHexString(RandomNumberGenerator.GetBytes(16))));

    public static string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Scheme, Version, Iterations.ToString(CultureInfo.InvariantCulture),
            Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    public static PasswordCheckResult Verify(string storedHash, string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(storedHash, out var iterations, out var salt, out var expected)) return PasswordCheckResult.Failed;

        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected)) return PasswordCheckResult.Failed;
        return iterations < Iterations || expected.Length != HashBytes || salt.Length != SaltBytes
            ? PasswordCheckResult.SuccessRehashNeeded
            : PasswordCheckResult.Success;
    }

    /// <summary>Spends the same time as <see cref="Verify"/> and always fails.</summary>
    public static PasswordCheckResult VerifyAgainstDummy(string password)
    {
        Verify(DummyHash.Value, password);
        return PasswordCheckResult.Failed;
    }

    private static bool TryParse(string storedHash, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = storedHash.Split('$');
        if (parts.Length != 5 || parts[0] != Scheme || parts[1] != Version) return false;
        if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations < 1) return false;
        try
        {
            salt = Convert.FromBase64String(parts[3]);
            hash = Convert.FromBase64String(parts[4]);
        }
        catch (FormatException)
        {
            return false;
        }
        return salt.Length > 0 && hash.Length > 0;
    }
}
