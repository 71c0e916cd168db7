using TasksConsole.Core.Execution;

namespace TasksConsole.Tests.Execution;

public sealed class OutcomeLogLinesTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ATimedOutTasksLog_CarriesTheTimeoutsTime_FromItsTimeoutLineOn()
    {
        const string tail =
            "START RequestId: r1 Version: $LATEST\n" +
            "2026-12-02T10:00:00.250Z\tr1\tINFO\tworking\n" +
            "2026-12-02T10:00:03.004Z r1 Task timed out after 3.00 seconds\n" +
            "END RequestId: r1\n" +
            "REPORT RequestId: r1\tDuration: 3004.12 ms\tBilled Duration: 3005 ms\tMemory Size: 128 MB\tStatus: timeout\t\n";

        var lines = OutcomeWriter.LogLines(tail, Start).ToList();

        var timedOut = new DateTimeOffset(2026, 12, 2, 10, 0, 3, 4, TimeSpan.Zero);
        Assert.Equal(
            [Start, Start.AddMilliseconds(250), timedOut, timedOut, timedOut],
            lines.Select(l => l.Timestamp));
        Assert.Equal("END RequestId: r1", lines[3].Message);
    }

    [Fact]
    public void LinesWithoutATimestamp_TakeTheTimeOfTheLineBefore_AndAPlainLineStartingWithAWordIsNotAStamp()
    {
        const string tail = "START RequestId: r2\nhello world\n2026-12-02T10:00:01.000Z\tr2\tINFO\tlater\nEND RequestId: r2\n";

        var lines = OutcomeWriter.LogLines(tail, Start).ToList();

        Assert.Equal([Start, Start, Start.AddSeconds(1), Start.AddSeconds(1)], lines.Select(l => l.Timestamp));
    }
}
