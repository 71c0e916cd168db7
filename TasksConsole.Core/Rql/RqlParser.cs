using System.Globalization;
using TasksConsole.Core.Common;

namespace TasksConsole.Core.Rql;

/// <summary>
/// Parses the EXH flavour of RQL (persvr/rql as the SDK builds it) into an <see cref="RqlQuery"/>. Every problem
/// throws a <see cref="ServiceException"/> with INVALID_RQL naming the problem and its position.
/// </summary>
/// <remarks>
/// <para>Decoding follows the SDK's double encoding: the raw query string is percent-decoded once as a whole
/// (with <see cref="Uri.UnescapeDataString(string)"/>, so '+' stays a plus: <c>sort(+f)</c> depends on it), then
/// tokenized, then each value token is decoded again. Field names and the arguments of <c>sort</c>, <c>select</c>
/// and <c>limit</c> are not encoded by the SDK and are not decoded again.</para>
/// <para><c>limit</c>, <c>sort</c>, <c>select</c> and <c>skipCount</c> are accepted at the top level or directly
/// inside a top-level <c>and()</c>, each at most once; anywhere else, or next to a top-level '|', they are an
/// error rather than silently ignored.</para>
/// </remarks>
public static class RqlParser
{
    /// <summary>The longest raw query accepted; far above what any real filter needs, and above Kestrel's request line.</summary>
    public const int MaxQueryLength = 16 * 1024;

    /// <summary>Parses <paramref name="rawQuery"/>: the query string after '?', still percent-encoded.</summary>
    public static RqlQuery Parse(string? rawQuery)
    {
        if (string.IsNullOrWhiteSpace(rawQuery)) return RqlQuery.Empty;
        if (rawQuery.Length > MaxQueryLength)
        {
            throw RqlErrors.Invalid($"Invalid RQL: the query is {rawQuery.Length} characters long; the maximum is {MaxQueryLength}.");
        }
        if (rawQuery[0] == '?') rawQuery = rawQuery[1..];

        var decoded = Uri.UnescapeDataString(rawQuery);
        if (string.IsNullOrWhiteSpace(decoded)) return RqlQuery.Empty;
        var top = RqlSyntaxReader.ReadQuery(decoded);
        return new Builder().Build(top);
    }

    private sealed class Builder
    {
        private int? _limit;
        private int? _offset;
        private bool _limitSeen;
        private IReadOnlyList<RqlSortKey>? _sort;
        private IReadOnlyList<string>? _select;
        private bool _skipCount;

        public RqlQuery Build(RqlGroupSyntax top)
        {
            var filters = new List<RqlNode>();
            foreach (var item in top.Items)
            {
                if (!top.IsOr && TryTakeDirective(item))
                {
                    continue;
                }
                // Only a top-level and() may wrap the directives; its filters join the implicit top-level and.
                if (!top.IsOr && item is RqlCallSyntax { Name: "and" } and)
                {
                    var rest = and.Args.Where(arg => !TryTakeDirective(arg)).ToList();
                    if (rest.Count == 0 && and.Args.Count > 0) continue;
                    filters.Add(ToFilter(and with { Args = rest }, depth: 0));
                    continue;
                }
                filters.Add(ToFilter(item, depth: 0));
            }

            RqlNode? filter = filters.Count switch
            {
                0 => null,
                1 => filters[0],
                _ => new RqlLogical(top.IsOr ? RqlOperator.Or : RqlOperator.And, filters, top.Position),
            };
            return new RqlQuery
            {
                Filter = filter,
                Limit = _limit,
                Offset = _offset,
                Sort = _sort ?? [],
                Select = _select,
                SkipCount = _skipCount,
            };
        }

        private bool TryTakeDirective(RqlSyntax item)
        {
            if (item is not RqlCallSyntax call) return false;
            switch (call.Name)
            {
                case "limit":
                    if (_limitSeen) throw Error(call, "limit() may appear only once");
                    _limitSeen = true;
                    if (call.Args.Count is < 1 or > 2) throw Error(call, "limit() takes a count and an optional offset");
                    _limit = ReadCount(call, call.Args[0], "limit");
                    _offset = call.Args.Count == 2 ? ReadCount(call, call.Args[1], "offset") : null;
                    return true;
                case "sort":
                    if (_sort is not null) throw Error(call, "sort() may appear only once");
                    if (call.Args.Count == 0) throw Error(call, "sort() needs at least one field");
                    _sort = call.Args.Select(arg => ReadSortKey(call, arg)).ToList();
                    return true;
                case "select":
                    if (_select is not null) throw Error(call, "select() may appear only once");
                    if (call.Args.Count == 0) throw Error(call, "select() needs at least one field");
                    _select = ReadSelect(call);
                    return true;
                case "skipCount" or "skip_count":
                    if (call.Args.Count != 0) throw Error(call, $"{call.Name}() takes no arguments");
                    _skipCount = true;
                    return true;
                default:
                    return false;
            }
        }

        private static int ReadCount(RqlCallSyntax call, RqlSyntax arg, string what)
        {
            var text = arg is RqlTokenSyntax token ? Uri.UnescapeDataString(token.Text) : null;
            if (text is null || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                var shown = text ?? "a list";
                throw Error(call, text is not null && text.StartsWith('-')
                    ? $"the {what} cannot be negative, got {shown}"
                    : $"the {what} must be a whole number from 0 to {int.MaxValue}, got '{RqlErrors.Shorten(shown)}'");
            }
            return value;
        }

        private static RqlSortKey ReadSortKey(RqlCallSyntax call, RqlSyntax arg)
        {
            var text = arg is RqlTokenSyntax token ? token.Text : "";
            var descending = text.StartsWith('-');
            var name = text.StartsWith('-') || text.StartsWith('+') ? text[1..] : text;
            return new RqlSortKey(RequireFieldName(arg, name, call), descending);
        }

        private static List<string> ReadSelect(RqlCallSyntax call)
        {
            var fields = new List<string>();
            foreach (var arg in call.Args)
            {
                var name = ReadFieldName(arg, call);
                if (fields.Contains(name)) continue;
                var related = fields.FirstOrDefault(f => name.StartsWith(f + ".", StringComparison.Ordinal)
                                                         || f.StartsWith(name + ".", StringComparison.Ordinal));
                if (related is not null)
                {
                    throw Error(call, $"select() cannot list '{name}' together with '{related}'; list the parent or its sub-keys");
                }
                fields.Add(name);
            }
            return fields;
        }

        private static RqlNode ToFilter(RqlSyntax syntax, int depth) => syntax switch
        {
            RqlCallSyntax call => CallToFilter(call, depth),
            RqlGroupSyntax group => Logical(group.IsOr ? RqlOperator.Or : RqlOperator.And, group.Items, group, depth),
            // persvr reads "(eq(a,1),eq(b,2))" as an array; in a filter position the only sensible reading is and.
            RqlArraySyntax array when array.Items.Count > 0 && array.Items.All(i => i is not RqlTokenSyntax) =>
                Logical(RqlOperator.And, array.Items, array, depth),
            RqlTokenSyntax { Text: "" } token => throw Error(token, "a condition is missing (an empty expression)"),
            _ => throw Error(syntax, $"expected a condition such as eq(field,value), got '{Describe(syntax)}'"),
        };

        /// <summary>A single-operand and()/or() is its operand, so equal filters get equal trees.</summary>
        private static RqlNode Logical(RqlOperator op, IReadOnlyList<RqlSyntax> items, RqlSyntax at, int depth)
        {
            if (items.Count == 0) throw Error(at, $"{op.ToRql()}() needs at least one condition");
            var operands = items.Select(i => ToFilter(i, depth + 1)).ToList();
            return operands.Count == 1 ? operands[0] : new RqlLogical(op, operands, at.Position);
        }

        private static RqlNode CallToFilter(RqlCallSyntax call, int depth)
        {
            if (call.Name is "limit" or "sort" or "select" or "skipCount" or "skip_count")
            {
                throw Error(call, $"{call.Name}() is allowed only at the top level of the query or directly inside a top-level and()");
            }
            if (!RqlOperators.TryParse(call.Name, out var op))
            {
                throw Error(call, $"unknown operator '{call.Name}'; the operators are eq, ne, gt, ge, lt, le, in, out, like, "
                                  + "contains, excludes, and, or, limit, sort, select and skipCount");
            }
            switch (op)
            {
                case RqlOperator.And or RqlOperator.Or:
                    return Logical(op, call.Args, call, depth);

                case RqlOperator.Eq or RqlOperator.Ne or RqlOperator.Gt or RqlOperator.Ge or RqlOperator.Lt
                    or RqlOperator.Le or RqlOperator.Like:
                    if (call.Args.Count != 2) throw Error(call, $"{call.Name}() takes a field and a value, got {call.Args.Count} arguments");
                    var values = ReadValues(call.Args[1], call);
                    if (values.Count != 1) throw Error(call, $"{call.Name}() compares with a single value, not a list");
                    return new RqlCondition(op, ReadFieldName(call.Args[0], call), values, [], call.Position);

                case RqlOperator.In or RqlOperator.Out:
                    if (call.Args.Count < 2) throw Error(call, $"{call.Name}() takes a field and at least one value");
                    // The SDK sends the values flat after the field; persvr clients send one nested array.
                    var list = call.Args.Skip(1).SelectMany(arg => ReadValues(arg, call)).ToList();
                    if (list.Count == 0) throw Error(call, $"{call.Name}() needs at least one value");
                    if (list.Count > RqlSyntaxReader.MaxItemsPerList) throw Error(call, $"{call.Name}() takes at most {RqlSyntaxReader.MaxItemsPerList} values");
                    return new RqlCondition(op, ReadFieldName(call.Args[0], call), list, [], call.Position);

                default: // contains, excludes
                    if (call.Args.Count < 1) throw Error(call, $"{call.Name}() needs a field");
                    var conditions = call.Args.Skip(1).Select(arg => ToFilter(arg, depth + 1)).ToList();
                    return new RqlCondition(op, ReadFieldName(call.Args[0], call), [], conditions, call.Position);
            }
        }

        /// <summary>A value, or the values of a nested array or of a persvr slash-array (<c>a/b/c</c>).</summary>
        private static List<RqlValue> ReadValues(RqlSyntax syntax, RqlCallSyntax call) => syntax switch
        {
            RqlTokenSyntax token when token.Text.Contains('/') =>
                token.Text.Split('/').Select(part => RqlValueReader.Read(part, token.Position)).ToList(),
            RqlTokenSyntax token => [RqlValueReader.Read(token.Text, token.Position)],
            RqlArraySyntax array when array.Items.All(i => i is RqlTokenSyntax) =>
                array.Items.Select(i => RqlValueReader.Read(((RqlTokenSyntax)i).Text, i.Position)).ToList(),
            _ => throw Error(syntax, $"{call.Name}() expects a value here, got '{Describe(syntax)}'"),
        };

        /// <summary>Field names are dotted paths (<c>error.type</c>); persvr's <c>error/type</c> means the same.</summary>
        private static string ReadFieldName(RqlSyntax syntax, RqlCallSyntax call) => syntax switch
        {
            RqlTokenSyntax token => RequireFieldName(token, token.Text.Replace('/', '.'), call),
            _ => throw Error(syntax, $"{call.Name}() expects a field name here, got '{Describe(syntax)}'"),
        };

        private static string RequireFieldName(RqlSyntax at, string name, RqlCallSyntax call)
        {
            var valid = name.Length > 0
                        && !name.StartsWith('.') && !name.EndsWith('.') && !name.Contains("..")
                        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '$' or '-');
            if (!valid)
            {
                throw Error(at, name.Length == 0
                    ? $"{call.Name}() is missing a field name"
                    : $"'{RqlErrors.Shorten(name)}' is not a valid field name in {call.Name}()");
            }
            return name;
        }

        private static string Describe(RqlSyntax syntax) => syntax switch
        {
            RqlTokenSyntax token => RqlErrors.Shorten(token.Text, 40),
            RqlCallSyntax call => call.Name + "(...)",
            RqlArraySyntax => "a list (...)",
            RqlGroupSyntax => "a group (...)",
            _ => "?",
        };

        private static ServiceException Error(RqlSyntax at, string problem) =>
            RqlErrors.Invalid($"Invalid RQL at position {at.Position}: {problem}.");
    }
}
