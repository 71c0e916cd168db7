using System.Globalization;
using System.Text;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>RQL values as the EXH SDK's rqlBuilder puts them on the wire, so the server's decoding is measured too.</summary>
internal static class RqlValues
{
    /// <summary>encodeURIComponent applied twice, with <c>- _ . ! ~ * ' ( )</c> escaped as well (SDK 8 and later).</summary>
    public static string Encode(string value) => EncodeOnce(EncodeOnce(value));

    /// <summary>The ISO form the SDK sends for a date (<c>Date.toISOString()</c>).</summary>
    public static string Iso(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string EncodeOnce(string value)
    {
        var builder = new StringBuilder(value.Length * 3);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (char.IsAsciiLetterOrDigit((char)b)) builder.Append((char)b);
            else builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }
}
