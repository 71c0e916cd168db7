using System.Globalization;
using TasksConsole.Core.Common;

namespace TasksConsole.Core.Rql;

/// <summary>
/// Casts RQL values to a field's type. The SDK double-encodes values and auto-typing leaves dates, negative and
/// decimal numbers as strings, so the server casts by the field's type rather than trusting the value's.
/// </summary>
public static class RqlConvert
{
    /// <summary>The text a string field compares with: the decoded text, so <c>eq(name,123)</c> means "123".</summary>
    public static string ToText(RqlCondition condition, RqlValue value) =>
        value.IsNull
            ? throw RqlErrors.Invalid(condition, $"{condition.Field} cannot be compared with null here")
            : value.Value as string ?? value.Text;

    /// <summary>The distinct texts of a condition's values (<c>in</c>, <c>out</c>), each as <see cref="ToText"/> reads it.</summary>
    public static List<string> ToDistinctTexts(RqlCondition condition) =>
        condition.Values.Select(v => ToText(condition, v)).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Integers, and strings holding one (a double-encoded "-3" arrives as a string).</summary>
    public static bool TryToInt64(RqlValue value, out long result)
    {
        switch (value.Value)
        {
            case long l:
                result = l;
                return true;
            case double d when Math.Floor(d) == d && d >= long.MinValue && d < long.MaxValue:
                result = (long)d;
                return true;
            case string s:
                return long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result);
            default:
                result = 0;
                return false;
        }
    }

    public static bool TryToBoolean(RqlValue value, out bool result)
    {
        switch (value.Value)
        {
            case bool b:
                result = b;
                return true;
            case string s when s.Equals("true", StringComparison.OrdinalIgnoreCase) || s.Equals("false", StringComparison.OrdinalIgnoreCase):
                result = s.Equals("true", StringComparison.OrdinalIgnoreCase);
                return true;
            default:
                result = false;
                return false;
        }
    }

    /// <summary>
    /// Dates (typed <c>date:</c>/<c>epoch:</c>), ISO-8601 strings (UTC unless they carry an offset) and numbers or
    /// digit strings as Unix epoch milliseconds, the unit the store and <c>epoch:</c> use.
    /// </summary>
    public static bool TryToTimestamp(RqlValue value, out DateTimeOffset result)
    {
        if (value.Value is DateTimeOffset instant)
        {
            result = instant;
            return true;
        }
        if (value.Value is string text && InstantParser.TryParse(text, out result))
        {
            return true;
        }
        if (value.Value is not bool && TryToInt64(value, out var ms)
            && ms >= DateTimeOffset.MinValue.ToUnixTimeMilliseconds() && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            result = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            return true;
        }
        result = default;
        return false;
    }
}
