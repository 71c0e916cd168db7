using TasksConsole.Web.Audit;

namespace TasksConsole.Tests.Audit;

public sealed class AuditPageQueryTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheFilters_BecomeOneRqlFilter_AndTheSameAddress()
    {
        var query = new AuditPageQuery("task.cancel", " ops@ ", null, "24h");

        Assert.Equal($"and(eq(action,task.cancel),like(actorName,string:{Uri.EscapeDataString(Uri.EscapeDataString("ops@"))}),ge(timestamp,epoch:{Now.AddDays(-1).ToUnixTimeMilliseconds()}))",
            query.ToRql(Now));
        Assert.Equal("/admin/audit?action=task.cancel&actor=ops%40&since=24h&offset=50", query.ToUrl(offset: 50));
    }

    [Fact]
    public void NoFilters_MeanEverything_AndAnUnknownWindowIsIgnored()
    {
        var query = new AuditPageQuery("", null, "  ", "forever");

        Assert.Null(query.ToFilter(Now));
        Assert.Equal("/admin/audit", query.ToUrl(offset: 0));
    }
}
