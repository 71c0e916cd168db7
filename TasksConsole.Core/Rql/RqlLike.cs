using System.Text;

namespace TasksConsole.Core.Rql;

/// <summary>
/// The meaning of <c>like(field,value)</c>, decided here once for every field: a case-insensitive substring
/// match in which <c>*</c> also matches any run of characters (persvr/rql's glob convention), while SQL's own
/// wildcards <c>%</c> and <c>_</c> and the escape character match only themselves. There is no way to match a
/// literal <c>*</c>: the SDK escapes nothing for us, and a star in a search term is far more often meant as a
/// wildcard.
/// </summary>
/// <remarks>
/// In SQL this is <c>column LIKE '%value%' ESCAPE '\'</c>. Case-insensitivity comes from the provider's LIKE:
/// SQLite folds ASCII letters (not others) by default. On PostgreSQL, whose LIKE is case-sensitive,
/// <see cref="Data.PostgreSqlQueryInterceptor"/> turns every <c>EF.Functions.Like</c> into ILIKE, which folds the
/// same letters under the columns' "C" collation.
/// </remarks>
public static class RqlLike
{
    /// <summary>The ESCAPE character of every LIKE pattern built here.</summary>
    public const string EscapeCharacter = "\\";

    /// <summary>The SQL LIKE pattern (to use with <see cref="EscapeCharacter"/>) for an RQL like value.</summary>
    public static string ToSqlPattern(string value)
    {
        var pattern = new StringBuilder(value.Length + 2).Append('%');
        foreach (var c in value)
        {
            switch (c)
            {
                case '%' or '_' or '\\':
                    pattern.Append('\\').Append(c);
                    break;
                case '*':
                    pattern.Append('%');
                    break;
                default:
                    pattern.Append(c);
                    break;
            }
        }
        return pattern.Append('%').ToString();
    }

    /// <summary>The same match in memory, for values the database stores differently from their wire form (enums).</summary>
    public static bool IsMatch(string candidate, string value)
    {
        var position = 0;
        foreach (var part in value.Split('*', StringSplitOptions.RemoveEmptyEntries))
        {
            var found = candidate.IndexOf(part, position, StringComparison.OrdinalIgnoreCase);
            if (found < 0) return false;
            position = found + part.Length;
        }
        return true;
    }
}
