namespace TasksConsole.Core.Execution;

/// <summary>Configuration section <c>Execution</c>: how this node dispatches and runs tasks.</summary>
public sealed class ExecutionOptions
{
    public const string Section = "Execution";

    /// <summary>
    /// A name for this node that stays the same across restarts, so a restarted node recognises the claims and
    /// runs it left behind. Defaults to the machine name; give each node its own when several share a database.
    /// </summary>
    public string NodeId { get; set; } = Environment.MachineName;

    /// <summary>
    /// Tasks this node runs at once, over all functions (EXH runs 5 per function; see the function's concurrency
    /// limit). A task holds its slot from its claim until its outcome is committed, so the node's rate is at most this
    /// many over that time: with 256, a stream of 4,000 due tasks/s held slots about 90 ms at p95 and queued for them,
    /// with a start lag p99 of 380-670 ms; with 512 it was 100-110 ms.
    /// </summary>
    public int MaxConcurrency { get; set; } = 512;

    /// <summary>
    /// Tasks carried by one Hangfire job: Hangfire's per-job storage cost must not bound throughput. A claim goes out
    /// in as few jobs as hold it with at most a quarter more each, split evenly (see <see cref="TaskDispatcher.SplitIntoJobs"/>).
    /// </summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>
    /// How far ahead of a start time tasks are claimed and handed to Hangfire; the job then waits for the exact
    /// start, so Hangfire's queue poll does not add to the start lag. Keep it above the queue poll interval.
    /// </summary>
    public TimeSpan LookAhead { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The gathering window. While this node has tasks claimed or jobs queued, claim rounds are at least this far
    /// apart, so that tasks arriving one by one (and slots freed one by one) gather into one claim and one Hangfire
    /// job instead of a claim each. A due task waits at most this long for its round; an idle node claims at once.
    /// </summary>
    public TimeSpan ClaimGathering { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The longest gathering window, for a thin stream: when the last round took everything that was due and fewer
    /// than <see cref="BatchSize"/> tasks arrived due within <see cref="ClaimGathering"/>, a busy node waits on until
    /// two batches' worth have arrived, up to this long after the last round, and the claim goes out as one job. A thin
    /// stream of due tasks (a tenth of the creates, say) otherwise went out a few tasks to a claim and a Hangfire job,
    /// and their writes took the creates' share of the two cores. A thick stream never waits longer than
    /// <see cref="ClaimGathering"/>.
    /// </summary>
    public TimeSpan ClaimGatheringMax { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Hangfire jobs this node keeps queued and not yet started. While that many wait for a worker, due tasks stay
    /// unclaimed (still new, still cancelable, still in queue order) and the next claim takes all of them when a job
    /// starts: a job carries many tasks however they arrive, and Hangfire's per-job cost stays off the task rate. A job
    /// not started within <see cref="FallbackPoll"/> no longer counts (every worker busy, or the job lost).
    /// </summary>
    public int MaxQueuedJobs { get; set; } = 2;

    /// <summary>The dispatcher looks again at least this often, even without a wake-up (other nodes, clock jumps).</summary>
    public TimeSpan FallbackPoll { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Hangfire's queue poll on SQLite storage (its default is 15 s).</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Hangfire workers: one per running batch job.</summary>
    public int WorkerCount { get; set; } = 24;

    /// <summary>
    /// How long Hangfire keeps a finished job (its dashboard's history). A job only carries a batch of tasks to a
    /// worker, and the tasks' outcomes live in the store, so an hour is plenty; Hangfire's own day kept every batch of
    /// the last 24 hours in its tables, which then grow with the load. Expired jobs are removed at most this long (and
    /// at most an hour) after they expire.
    /// </summary>
    public TimeSpan JobRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The time limit of a task whose function is not in the registry: it is invoked as the Lambda of its name, with
    /// this limit, no retry policy and no concurrency cap beyond <see cref="MaxConcurrency"/>.
    /// </summary>
    public TimeSpan DefaultTimeLimit { get; set; } = TimeSpan.FromSeconds(Functions.FunctionDefaults.TimeLimitSeconds);

    /// <summary>A task still in progress this long after its function's time limit has an unknown outcome: a zombie.</summary>
    public TimeSpan ZombieGrace { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A claim that never started (its node died before running it) is released after this long.</summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often this node writes its heartbeat row (and looks for nodes that stopped writing theirs).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A node whose heartbeat is older than this is dead: the other nodes release its unstarted claims at once rather
    /// than after <see cref="ClaimTimeout"/>. Keep it several heartbeats long, so a busy node is not taken for dead.
    /// </summary>
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A dead node's row stays listed this long after its last heartbeat, then it is deleted.</summary>
    public TimeSpan DeadNodeRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Results larger than this are stored as a note instead (they are not part of the EXH task anyway).</summary>
    public int MaxStoredResultBytes { get; set; } = 256 * 1024;

    /// <summary>Turns dispatching off on this node (an API-only node, or a test that drives execution itself).</summary>
    public bool DispatcherEnabled { get; set; } = true;
}
