using System.Globalization;
using TasksConsole.Core.Common;

namespace TasksConsole.Core.Rql;

/// <summary>
/// Turns a value token (once-decoded, as tokenized) into a typed <see cref="RqlValue"/>: an optional type prefix
/// (<c>string:</c>, <c>number:</c>, <c>boolean:</c>, <c>date:</c>/<c>isodate:</c>, <c>epoch:</c>), then the second
/// percent-decode, then persvr/rql's auto-typing.
/// </summary>
/// <remarks>
/// The prefix is looked for before the second decode because the SDK encodes a value's own colons; a literal
/// colon can only come from a hand-written query. An unknown prefix is not an error (persvr would reject it): it
/// keeps a hand-written <c>ge(creationTimestamp,2024-01-01T00:00:00Z)</c> working as a plain string.
/// Auto-typing runs on the decoded text, so a double-encoded <c>-3</c> is still a number; fields cast values to
/// their own type anyway, so the distinction only matters for null and for the explicit <c>string:</c>.
/// </remarks>
internal static class RqlValueReader
{
    public static RqlValue Read(string token, int position)
    {
        var colon = token.IndexOf(':');
        if (colon > 0)
        {
            var prefix = token[..colon];
            var rest = Uri.UnescapeDataString(token[(colon + 1)..]);
            switch (prefix)
            {
                case "string":
                    return RqlValue.String(rest);
                case "number":
                    return ReadNumber(rest) ?? throw Error($"'{rest}' is not a number", token, position);
                case "boolean":
                    return rest.ToLowerInvariant() switch
                    {
                        "true" => new RqlValue(true, rest),
                        "false" => new RqlValue(false, rest),
                        _ => throw Error($"'{rest}' is not a boolean (true or false)", token, position),
                    };
                case "date" or "isodate":
                    return InstantParser.TryParse(rest, out var instant)
                        ? new RqlValue(instant, rest)
                        : throw Error($"'{rest}' is not an ISO-8601 date", token, position);
                case "epoch":
                    return ReadEpoch(rest) is { } epoch
                        ? new RqlValue(epoch, rest)
                        : throw Error($"'{rest}' is not a time in epoch milliseconds", token, position);
                case "re" or "RE" or "glob":
                    throw Error($"'{prefix}:' values are not supported; use like()", token, position);
            }
        }
        return Auto(Uri.UnescapeDataString(token));
    }

    /// <summary>persvr/rql's auto-typing: keywords, numbers written in canonical form, quoted strings, else a string.</summary>
    public static RqlValue Auto(string text)
    {
        switch (text)
        {
            case "true": return new RqlValue(true, text);
            case "false": return new RqlValue(false, text);
            case "null" or "undefined": return new RqlValue(null, text);
            case "Infinity": return new RqlValue(double.PositiveInfinity, text);
            case "-Infinity": return new RqlValue(double.NegativeInfinity, text);
        }
        // Only a number that prints back as the same text is a number, so "007" or "1e3" stay strings (ids, codes).
        if (IsCanonicalNumber(text) && ReadNumber(text) is { } number)
        {
            return number;
        }
        if (text.Length >= 2 && text[0] == '\'' && text[^1] == '\'')
        {
            var inner = text[1..^1];
            return new RqlValue(inner, inner);
        }
        return RqlValue.String(text);
    }

    private static RqlValue? ReadNumber(string text)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return new RqlValue(integer, text);
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return new RqlValue(real, text);
        }
        return null;
    }

    private static DateTimeOffset? ReadEpoch(string text)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)
            && ms >= DateTimeOffset.MinValue.ToUnixTimeMilliseconds()
            && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
        return null;
    }

    private static bool IsCanonicalNumber(string text)
    {
        var i = text.StartsWith('-') ? 1 : 0;
        if (i >= text.Length || text == "-0") return false;
        var integerStart = i;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        var integerLength = i - integerStart;
        if (integerLength == 0 || (integerLength > 1 && text[integerStart] == '0')) return false;
        if (i == text.Length) return true;
        if (text[i] != '.' || i == text.Length - 1 || text[^1] == '0') return false;
        for (i++; i < text.Length; i++)
        {
            if (!char.IsAsciiDigit(text[i])) return false;
        }
        return true;
    }

    private static ServiceException Error(string problem, string token, int position) =>
        RqlErrors.Invalid($"Invalid value '{RqlErrors.Shorten(token)}' at position {position}: {problem}.");
}
