using System.Diagnostics;
using Dapper;
using Npgsql;

namespace SaasExporter.IntegrationTests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server: initdb into a temporary directory, a free loopback port, torn down on dispose.
/// As root, the server runs as the 'postgres' user (initdb refuses root). Only this cluster's postmaster is ever
/// stopped, through pg_ctl on its own data directory.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _root;
    private readonly string _settings;

    private PostgresCluster(string bin, string root, int port, IEnumerable<string> settings)
    {
        _bin = bin;
        _root = root;
        Port = port;
        _settings = string.Concat(settings.Select(s => $" -c {s}"));
    }

    public int Port { get; }

    /// <summary>The psql client of the same installation as the server.</summary>
    public string Psql => Path.Combine(_bin, "psql");

    /// <summary>Runs psql as postgres against <paramref name="database"/>; fails the test on any error output.</summary>
    public async Task<string> PsqlAsync(string database, params string[] arguments)
    {
        var start = new ProcessStartInfo(Psql,
            ["-X", "-q", "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "-d", database, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var psql = Process.Start(start)!;
        var stdout = psql.StandardOutput.ReadToEndAsync();
        var stderr = await psql.StandardError.ReadToEndAsync();
        await psql.WaitForExitAsync();
        Assert.True(psql.ExitCode == 0 && stderr.Length == 0, $"psql exited {psql.ExitCode}: {stderr}{await stdout}");
        return await stdout;
    }

    private string DataDirectory => Path.Combine(_root, "data");

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username=postgres;Pooling=false;Timeout=5";

    /// <summary>Starts a new cluster; <paramref name="settings"/> are extra server settings (<c>name=value</c>).</summary>
    public static async Task<PostgresCluster> StartAsync(params string[] settings)
    {
        var bin = FindBinaries();
        var root = Directory.CreateTempSubdirectory("saas-exporter-pg-").FullName;
        if (Environment.IsPrivilegedProcess)
        {
            await RunAsync("chown", ["postgres:postgres", root], asPostgres: false);
        }

        var cluster = new PostgresCluster(bin, root, LoopbackPort.Free(), settings);
        await cluster.RunToolAsync("initdb", ["-D", cluster.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"]);
        await cluster.StartServerAsync();
        return cluster;
    }

    /// <summary>
    /// A hot standby of this cluster, as users make one: <c>pg_basebackup -R</c> (streaming replication, the primary's
    /// default <c>wal_level=replica</c> and trust for replication on loopback) into a new directory, started on its own
    /// port. It is torn down on its own dispose.
    /// </summary>
    public async Task<PostgresCluster> StartStandbyAsync(params string[] settings)
    {
        var root = Directory.CreateTempSubdirectory("saas-exporter-pg-standby-").FullName;
        if (Environment.IsPrivilegedProcess)
        {
            await RunAsync("chown", ["postgres:postgres", root], asPostgres: false);
        }

        var standby = new PostgresCluster(_bin, root, LoopbackPort.Free(), settings);
        await standby.RunToolAsync("pg_basebackup",
            ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "-D", standby.DataDirectory, "-R", "-X", "stream", "-c", "fast"]);
        await standby.StartServerAsync();
        return standby;
    }

    /// <summary>Waits until this standby has replayed everything <paramref name="primary"/> had written when called.</summary>
    public async Task WaitForReplayAsync(PostgresCluster primary, TimeSpan timeout)
    {
        await using var source = new NpgsqlConnection(primary.ConnectionString("postgres"));
        var target = await source.ExecuteScalarAsync<string>("SELECT pg_current_wal_lsn()::text");
        await using var replica = new NpgsqlConnection(ConnectionString("postgres"));
        var clock = Stopwatch.StartNew();
        while (!await replica.ExecuteScalarAsync<bool>("SELECT pg_last_wal_replay_lsn() >= @target::pg_lsn", new { target }))
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"standby on port {Port} has not replayed up to {target} after {timeout}");
            }

            await Task.Delay(100);
        }
    }

    public Task StartServerAsync() => RunToolAsync("pg_ctl",
    [
        "-D", DataDirectory, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "start",
        "-o", $"-h 127.0.0.1 -p {Port} -k {_root} -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=50{_settings}",
    ]);

    public Task StopServerAsync() => RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"]);

    /// <param name="name">The database name.</param>
    /// <param name="encoding">A server encoding other than the cluster's UTF8 (SQL_ASCII stores bytes that are not UTF-8).</param>
    public async Task<string> CreateDatabaseAsync(string name, string? encoding = null)
    {
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.ExecuteAsync(encoding is null
                ? $"CREATE DATABASE \"{name}\""
                : $"CREATE DATABASE \"{name}\" ENCODING '{encoding}' TEMPLATE template0");
        }

        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped by the test.
        }

        Directory.Delete(_root, recursive: true);
    }

    private static string FindBinaries()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("SAAS_EXPORTER_PG_BINDIR"), "/usr/lib/postgresql/15/bin" }
            .Concat(Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin"))
                : []);
        return candidates.FirstOrDefault(d => d is not null && File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException(
                "PostgreSQL server binaries (initdb, pg_ctl) not found: install them with `apt-get install postgresql` " +
                "(tests/run does this) or set SAAS_EXPORTER_PG_BINDIR to their directory");
    }


    private Task RunToolAsync(string tool, string[] arguments) =>
        RunAsync(Path.Combine(_bin, tool), arguments, asPostgres: Environment.IsPrivilegedProcess);

    private static async Task RunAsync(string file, string[] arguments, bool asPostgres)
    {
        var start = asPostgres
            ? new ProcessStartInfo("setpriv", ["--reuid", "postgres", "--regid", "postgres", "--init-groups", file, .. arguments])
            : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = "/tmp";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}
