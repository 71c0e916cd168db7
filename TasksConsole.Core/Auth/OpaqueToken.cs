using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace TasksConsole.Core.Auth;

/// <summary>Bearer secrets: 32 random bytes, base64url; only their SHA-256 is ever stored or used as a cache key.</summary>
public static class OpaqueToken
{
    /// <summary>Longer values cannot be ours; refusing them early keeps hashing work bounded.</summary>
    public const int MaxLength = 256;

    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
