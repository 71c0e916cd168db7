using TasksConsole.Core.Common;

namespace TasksConsole.Core.Rql;

/// <summary>The shape of the query before meaning is given to it: calls, groups, arrays and raw tokens.</summary>
internal abstract record RqlSyntax(int Position);

internal sealed record RqlCallSyntax(string Name, IReadOnlyList<RqlSyntax> Args, int Position) : RqlSyntax(Position);

/// <summary>Items joined by <c>&amp;</c> (<see cref="IsOr"/> false) or <c>|</c>: the top level or a parenthesised group.</summary>
internal sealed record RqlGroupSyntax(bool IsOr, IReadOnlyList<RqlSyntax> Items, int Position) : RqlSyntax(Position);

/// <summary>A parenthesised, comma-separated list: <c>(a,b)</c>.</summary>
internal sealed record RqlArraySyntax(IReadOnlyList<RqlSyntax> Items, int Position) : RqlSyntax(Position);

/// <summary>A field name or a value, still percent-encoded once (values are decoded again when typed).</summary>
internal sealed record RqlTokenSyntax(string Text, int Position) : RqlSyntax(Position);

/// <summary>
/// A recursive-descent reader over the once-decoded query. It accepts persvr/rql's call syntax, FIQL shorthands,
/// <c>&amp;</c>/<c>|</c> groups and nested arrays, and bounds its own depth so hostile input gets INVALID_RQL
/// rather than a stack overflow.
/// </summary>
internal sealed class RqlSyntaxReader
{
    public const int MaxDepth = 32;
    public const int MaxItemsPerList = 1000;

    private readonly string _text;
    private int _pos;

    private RqlSyntaxReader(string text) => _text = text;

    /// <summary>Reads a whole query: items joined by <c>&amp;</c> (or ',', which persvr treats the same) or by <c>|</c>.</summary>
    public static RqlGroupSyntax ReadQuery(string text)
    {
        var reader = new RqlSyntaxReader(text);
        var (items, conjunction) = reader.ReadGroupItems(depth: 0, closing: false);
        if (reader._pos < text.Length)
        {
            throw reader.Error(text[reader._pos] == ')'
                ? "unexpected ')' with no matching '('"
                : $"unexpected '{text[reader._pos]}'; expected '&', '|' or the end of the query");
        }
        return new RqlGroupSyntax(conjunction == '|', items, 1);
    }

    private (List<RqlSyntax> Items, char? Conjunction) ReadGroupItems(int depth, bool closing)
    {
        var items = new List<RqlSyntax>();
        char? conjunction = null;
        var sawComma = false;
        if (closing && Peek() == ')') return (items, null);
        while (true)
        {
            items.Add(ReadItem(depth));
            var c = Peek();
            if (c is not (',' or '&' or '|')) break;
            if (c == ',')
            {
                sawComma = true;
            }
            else if (conjunction is { } previous && previous != c)
            {
                throw Error("'&' and '|' cannot be mixed in one group; put parentheses around each set");
            }
            else
            {
                conjunction = c;
            }
            if (sawComma && conjunction == '|')
            {
                throw Error("',' (an implicit and) and '|' cannot be mixed in one group; put parentheses around each set");
            }
            _pos++;
            CheckCount(items.Count);
        }
        return (items, conjunction);
    }

    private RqlSyntax ReadItem(int depth)
    {
        if (depth >= MaxDepth) throw Error($"the query is nested more than {MaxDepth} levels deep");
        SkipWhitespace();
        var start = _pos;
        if (Peek() == '(')
        {
            return ReadParenthesised(depth);
        }

        var token = ReadToken();
        var next = Peek();
        if (next == '(')
        {
            if (!IsOperatorName(token)) throw Error($"'{RqlErrors.Shorten(token)}' is not an operator name", start);
            _pos++;
            var args = ReadArguments(token, depth + 1);
            Expect(')', $"to close {token}( at position {start + 1}");
            return new RqlCallSyntax(token, args, start + 1);
        }
        if (next is '=' or '<' or '>' || (next == '!' && PeekAt(1) == '='))
        {
            var op = ReadFiqlOperator();
            SkipWhitespace();
            var valueStart = _pos + 1;
            var value = Peek() == '(' ? ReadParenthesised(depth) : new RqlTokenSyntax(ReadToken(), valueStart);
            return new RqlCallSyntax(op, [new RqlTokenSyntax(token, start + 1), value], start + 1);
        }
        return new RqlTokenSyntax(token, start + 1);
    }

    /// <summary><c>(a,b)</c> is an array; <c>(x&amp;y)</c> and <c>(x|y)</c> are groups.</summary>
    private RqlSyntax ReadParenthesised(int depth)
    {
        var start = _pos;
        _pos++;
        var (items, conjunction) = ReadGroupItems(depth + 1, closing: true);
        Expect(')', $"to close the '(' at position {start + 1}");
        return conjunction is null
            ? new RqlArraySyntax(items, start + 1)
            : new RqlGroupSyntax(conjunction == '|', items, start + 1);
    }

    /// <summary>Inside a call, ',' separates arguments; '&amp;' is allowed only in and(), '|' only in or().</summary>
    private List<RqlSyntax> ReadArguments(string name, int depth)
    {
        var args = new List<RqlSyntax>();
        if (Peek() == ')') return args;
        while (true)
        {
            args.Add(ReadItem(depth));
            var c = Peek();
            if (c == ',' || (c == '&' && name == "and") || (c == '|' && name == "or"))
            {
                _pos++;
                CheckCount(args.Count);
                continue;
            }
            if (c is '&' or '|')
            {
                throw Error($"'{c}' cannot separate the arguments of {name}(); use ','");
            }
            return args;
        }
    }

    private string ReadFiqlOperator()
    {
        var c = _text[_pos++];
        switch (c)
        {
            case '!':
                _pos++;
                return "ne";
            case '<' or '>':
                var orEqual = Peek() == '=';
                if (orEqual) _pos++;
                return (c, orEqual) switch
                {
                    ('<', false) => "lt",
                    ('<', true) => "le",
                    ('>', false) => "gt",
                    _ => "ge",
                };
        }
        if (Peek() == '=')
        {
            _pos++;
            return "eq";
        }
        // prop=op=value names the operator between the two '='; anything else after one '=' is the value.
        var save = _pos;
        while (_pos < _text.Length && char.IsAsciiLetter(_text[_pos])) _pos++;
        if (_pos > save && Peek() == '=')
        {
            var name = _text[save.._pos];
            _pos++;
            return name;
        }
        _pos = save;
        return "eq";
    }

    /// <summary>A token runs to the next delimiter; surrounding whitespace is formatting (an encoded space survives).</summary>
    private string ReadToken()
    {
        var start = _pos;
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c is '(' or ')' or ',' or '&' or '|' or '=' or '<' or '>' || (c == '!' && PeekAt(1) == '='))
            {
                break;
            }
            _pos++;
        }
        return _text[start.._pos].Trim();
    }

    private void Expect(char c, string purpose)
    {
        SkipWhitespace();
        if (Peek() == c)
        {
            _pos++;
            SkipWhitespace();
            return;
        }
        throw Error(_pos >= _text.Length
            ? $"the query ends where '{c}' is needed {purpose}"
            : $"unexpected '{_text[_pos]}' where ',' or '{c}' is needed {purpose}");
    }

    private void CheckCount(int count)
    {
        if (count >= MaxItemsPerList) throw Error($"a list may hold at most {MaxItemsPerList} items");
    }

    private void SkipWhitespace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    private char Peek()
    {
        SkipWhitespace();
        return _pos < _text.Length ? _text[_pos] : '\0';
    }

    private char PeekAt(int offset) => _pos + offset < _text.Length ? _text[_pos + offset] : '\0';

    private static bool IsOperatorName(string token) =>
        token.Length > 0 && (char.IsAsciiLetter(token[0]) || token[0] == '_')
        && token.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private ServiceException Error(string problem, int? at = null)
    {
        var position = Math.Min(at ?? _pos, _text.Length);
        var near = _text.Substring(Math.Max(0, position - 20), Math.Min(40, _text.Length - Math.Max(0, position - 20)));
        return RqlErrors.Invalid($"Invalid RQL at position {position + 1}: {problem} (near '{near}').");
    }
}
