using System.Security.Cryptography;
using TasksConsole.Core.Auth;

namespace TasksConsole.Tests.Auth;

public class PasswordHasherTests
{
    [Fact]
    public void Verify_Succeeds_ForTheHashedPassword()
    {
        var hash = PasswordHasher.Hash("correct horse battery staple");

        Assert.Equal(PasswordCheckResult.Success, PasswordHasher.Verify(hash, "correct horse battery staple"));
    }

    [Fact]
    public void Verify_Fails_ForAnotherPassword()
    {
        var hash = PasswordHasher.Hash("correct horse battery staple");

        Assert.Equal(PasswordCheckResult.Failed, PasswordHasher.Verify(hash, "correct horse battery stapler"));
        Assert.Equal(PasswordCheckResult.Failed, PasswordHasher.Verify(hash, ""));
    }

    [Fact]
    public void Hash_UsesAFreshSalt_AndAVersionedFormat()
    {
        var first = PasswordHasher.Hash("same password");
        var second = PasswordHasher.Hash("same password");

        Assert.NotEqual(first, second);
        Assert.StartsWith($"pbkdf2-sha256$v1${PasswordHasher.Iterations}$", first);
        Assert.True(PasswordHasher.Iterations >= 100_000);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a hash")]
    [InlineData("pbkdf2-sha256$v9$210000$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$v1$abc$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$v1$210000$not-base64!$AAAA")]
    public void Verify_Fails_ForMalformedHashes(string stored)
    {
        Assert.Equal(PasswordCheckResult.Failed, PasswordHasher.Verify(stored, "anything"));
    }

    [Fact]
    public void Verify_AsksForARehash_WhenTheHashUsedFewerIterations()
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var weak = Rfc2898DeriveBytes.Pbkdf2("old password", salt, 1_000, HashAlgorithmName.SHA256, 32);
        var stored = $"pbkdf2-sha256$v1$1000${Convert.ToBase64String(salt)}${Convert.ToBase64String(weak)}";

        Assert.Equal(PasswordCheckResult.SuccessRehashNeeded, PasswordHasher.Verify(stored, "old password"));
        Assert.Equal(PasswordCheckResult.Failed, PasswordHasher.Verify(stored, "other password"));
    }
}
