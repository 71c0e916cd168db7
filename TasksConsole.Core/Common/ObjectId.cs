using System.Security.Cryptography;

namespace TasksConsole.Core.Common;

/// <summary>
/// 24-hex identifiers shaped like MongoDB ObjectIds (4 bytes of seconds, 5 random bytes, 3 bytes of counter),
/// because the EXH SDK and its users expect that shape, and because the time prefix keeps ids roughly ordered
/// by creation, which keeps the primary-key index append-mostly.
/// </summary>
public static class ObjectId
{
    private static readonly byte[] ProcessRandom = RandomNumberGenerator.GetBytes(5);
    private static int _counter = RandomNumberGenerator.GetInt32(0, 0xFFFFFF);

    public static string NewId(TimeProvider? clock = null)
    {
        var seconds = (uint)(clock ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        var counter = Interlocked.Increment(ref _counter) & 0xFFFFFF;
        Span<byte> bytes = stackalloc byte[12];
        bytes[0] = (byte)(seconds >> 24);
        bytes[1] = (byte)(seconds >> 16);
        bytes[2] = (byte)(seconds >> 8);
        bytes[3] = (byte)seconds;
        ProcessRandom.CopyTo(bytes[4..9]);
        bytes[9] = (byte)(counter >> 16);
        bytes[10] = (byte)(counter >> 8);
        bytes[11] = (byte)counter;
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>The second an id was made at, read from its time prefix; null for a string that is not an id.</summary>
    public static DateTimeOffset? TimestampOf(string? value) =>
        IsValid(value) ? DateTimeOffset.FromUnixTimeSeconds(Convert.ToUInt32(value![..8], 16)) : null;

    public static bool IsValid(string? value)
    {
        if (value is null || value.Length != 24) return false;
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c)) return false;
        }
        return true;
    }
}
