namespace TasksConsole.Core.Common;

/// <summary>
/// Instants are stored as Unix milliseconds; rounding them down before use keeps what a caller is given equal to
/// what is stored and read back.
/// </summary>
public static class Instants
{
    public static DateTimeOffset ToStoredPrecision(this DateTimeOffset instant) =>
        DateTimeOffset.FromUnixTimeMilliseconds(instant.ToUnixTimeMilliseconds());

    public static DateTimeOffset GetStoredNow(this TimeProvider clock) => clock.GetUtcNow().ToStoredPrecision();
}
