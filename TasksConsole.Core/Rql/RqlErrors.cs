using TasksConsole.Core.Common;

namespace TasksConsole.Core.Rql;

/// <summary>Every RQL problem, syntax or meaning, is the client's and answers INVALID_RQL (code 19).</summary>
public static class RqlErrors
{
    public static ServiceException Invalid(string message) => new(ErrorCode.InvalidRql, message);

    /// <summary>An error about one node, naming it and where it is, so the client can find it in its query.</summary>
    public static ServiceException Invalid(RqlNode node, string message) =>
        new(ErrorCode.InvalidRql, $"{message} (in {Shorten(node.ToString())} at position {node.Position}).");

    internal static string Shorten(string text, int max = 80) => text.Length <= max ? text : text[..max] + "...";
}
