using Npgsql;

namespace TasksConsole.Core.Tasks.CrossNode;

/// <summary>
/// The feed's own connections to the shared database, apart from the store's pool: a small pool for sending, and
/// the settings of the one connection that listens (not pooled: it stays open, and a pool would reset it).
/// </summary>
public sealed class CrossNodeConnections : IAsyncDisposable
{
    public CrossNodeConnections(string connectionString)
    {
        var notify = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "tasksconsole-feed-notify", MaxPoolSize = 4 };
        Notify = NpgsqlDataSource.Create(notify.ToString());
        ListenConnectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = "tasksconsole-feed-listen",
            Pooling = false,
        }.ToString();
    }

    public NpgsqlDataSource Notify { get; }

    public string ListenConnectionString { get; }

    public ValueTask DisposeAsync() => Notify.DisposeAsync();
}
