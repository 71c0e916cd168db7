using System.Text;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>A GitHub-flavoured markdown table, padded so that it also reads well in a terminal.</summary>
internal sealed class MarkdownTable(params string[] headers)
{
    private readonly List<string[]> rows = [];

    public MarkdownTable Add(params string[] cells)
    {
        if (cells.Length != headers.Length) throw new ArgumentException($"Expected {headers.Length} cells, got {cells.Length}.", nameof(cells));
        rows.Add(cells);
        return this;
    }

    public override string ToString()
    {
        var widths = headers.Select((h, i) => Math.Max(3, rows.Select(r => Escape(r[i]).Length).Append(h.Length).Max())).ToArray();
        var text = new StringBuilder();
        AppendRow(text, headers, widths);
        text.Append('|');
        foreach (var width in widths) text.Append(' ').Append(new string('-', width)).Append(" |");
        text.AppendLine();
        foreach (var row in rows) AppendRow(text, row, widths);
        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        text.Append('|');
        for (var i = 0; i < cells.Length; i++) text.Append(' ').Append(Escape(cells[i]).PadRight(widths[i])).Append(" |");
        text.AppendLine();
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal);
}
