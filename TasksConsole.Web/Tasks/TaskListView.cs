using System.Globalization;
using TasksConsole.Core.Rql;

namespace TasksConsole.Web.Tasks;

/// <summary>
/// How the task list is viewed, beside what it is filtered on: the sort, the page (from 0) and the rows per page. It
/// lives in the URL next to the filter (<c>sort=-priority&amp;page=2&amp;size=50</c>, defaults left out), so a reload
/// or a shared link shows the same rows.
/// </summary>
public sealed record TaskListView(RqlSortKey Sort, int Page, int PageSize)
{
    public static readonly TaskListView Default = new(TaskListQuery.DefaultSort, 0, TaskListViewModel.PageSizes[0]);

    /// <summary>The URL's view keys, without the '?'; empty for the default view.</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        if (Sort != Default.Sort) parts.Add("sort=" + (Sort.Descending ? "-" : "") + Sort.Field);
        if (Page > 0) parts.Add("page=" + (Page + 1).ToString(CultureInfo.InvariantCulture));
        if (PageSize != Default.PageSize) parts.Add("size=" + PageSize.ToString(CultureInfo.InvariantCulture));
        return string.Join('&', parts);
    }

    /// <summary>Reads the view keys of a query string; a key missing or not understood keeps its default.</summary>
    public static TaskListView FromQueryString(string? query)
    {
        var view = Default;
        if (string.IsNullOrEmpty(query)) return view;
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0) continue;
            var value = Uri.UnescapeDataString(pair[(equals + 1)..]);
            switch (pair[..equals])
            {
                case "sort":
                    var descending = value.StartsWith('-');
                    var field = value.TrimStart('-', '+');
                    if (TaskListViewModel.ColumnFor(field) is not null) view = view with { Sort = new RqlSortKey(field, descending) };
                    break;
                case "page":
                    if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page >= 1)
                        view = view with { Page = page - 1 };
                    break;
                case "size":
                    if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && TaskListViewModel.PageSizes.Contains(size))
                        view = view with { PageSize = size };
                    break;
            }
        }
        return view;
    }

    /// <summary>The tasks page's URL for <paramref name="filter"/> seen this way.</summary>
    public string UrlFor(TaskFilter filter)
    {
        var query = string.Join('&', new[] { filter.ToQueryString(), ToQueryString() }.Where(p => p.Length > 0));
        return query.Length > 0 ? $"/tasks?{query}" : "/tasks";
    }
}
