using System.Globalization;

namespace TasksConsole.Core.Common;

public static class InstantParser
{
    /// <summary>Parses an ISO-8601 date or date-time; without an offset the value is taken as UTC.</summary>
    public static bool TryParse(string? text, out DateTimeOffset instant)
    {
        if (!string.IsNullOrWhiteSpace(text)
            && text.Length >= 10
            && char.IsAsciiDigit(text[0])
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            instant = parsed;
            return true;
        }
        instant = default;
        return false;
    }
}
