using System.Text;

namespace TasksConsole.Tests.Rql;

/// <summary>Encodes values the way the EXH SDK's rqlBuilder does (since SDK 8.0.0).</summary>
internal static class RqlTestEncoding
{
    /// <summary>encodeURIComponent applied twice, with - _ . ! ~ * ' ( ) escaped as well.</summary>
    public static string SdkEncoded(string value) => Encode(Encode(value));

    private static string Encode(string value)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (char.IsAsciiLetterOrDigit((char)b)) builder.Append((char)b);
            else builder.Append('%').Append(b.ToString("X2"));
        }
        return builder.ToString();
    }
}
