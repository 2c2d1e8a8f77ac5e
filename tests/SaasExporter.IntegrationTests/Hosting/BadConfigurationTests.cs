using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.IntegrationTests.Web;

namespace SaasExporter.IntegrationTests.Hosting;

/// <summary>
/// The bad-input matrix: each row is one mistake a user can make, given to the real <c>serve</c> binary, which must
/// refuse to start with exactly one line naming the key (or file and line) and exit code 2, before touching the
/// database, and without ever printing the database password.
/// </summary>
public sealed class BadConfigurationTests : IClassFixture<BadConfigurationTests.Files>
{
    private const string Password = "hunter2";
    private readonly Files _files;

    public BadConfigurationTests(Files files) => _files = files;

    /// <summary>Input files for the rows that name one; {dir} in a row stands for their directory.</summary>
    public sealed class Files : IDisposable
    {
        public Files()
        {
            Directory = System.IO.Directory.CreateTempSubdirectory("saas-exporter-badconfig-").FullName;
            Write("collectors-bad.yml", "collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics: [{name: c_total, help: h, value: v, typo: 1}]\n");
            Write("web-unknown-key.yml", "basic_auth_userz:\n  prometheus: x\n");
            Write("web-unsupported.yml", "http_server_config:\n  http2: false\n");
            Write("web-clear-password.yml", $"basic_auth_users:\n  prometheus: {Password}\n");
            Write("web-low-cost.yml", $"basic_auth_users:\n  prometheus: {BCrypt.Net.BCrypt.HashPassword("x", 4)}\n");
            Write("web-bad-yaml.yml", "basic_auth_users: [\n");
            Write("web-no-key.yml", "tls_server_config:\n  cert_file: cert.pem\n");
            Write("web-missing-cert.yml", "tls_server_config:\n  cert_file: nowhere.pem\n  key_file: nowhere-key.pem\n");
            var good = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "good"));
            var other = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "other"));
            var expired = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "expired"));
            ThrowawayCertificate.Create(good.FullName);
            ThrowawayCertificate.Create(other.FullName);
            ThrowawayCertificate.Create(expired.FullName, notAfter: TimeProvider.System.GetUtcNow().AddDays(-1));
            Write("web-key-mismatch.yml", "tls_server_config:\n  cert_file: good/cert.pem\n  key_file: other/key.pem\n");
            Write("web-expired.yml", "tls_server_config:\n  cert_file: expired/cert.pem\n  key_file: expired/key.pem\n");
            Write("web-costly.yml", "basic_auth_users:\n  prometheus: $2y$15$" + new string('a', 53) + "\n");
            Write("collectors-two-days.yml", "collectors:\n  - name: c\n    interval: 2d\n    sql: SELECT 1 AS v\n    metrics: [{name: c_value, help: h, value: v}]\n");
            Write("collectors-two-line-help.yml", "collectors:\n  - name: c\n    sql: SELECT 1 AS v\n    metrics:\n      - name: c_value\n        value: v\n        help: |\n          one\n          # TYPE forged counter\n");
            Write("web-fifo-cert.yml", "tls_server_config:\n  cert_file: fifo\n  key_file: good/key.pem\n");
            Write("too-large.yml", "# " + new string('x', 1024 * 1024) + "\n");
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [Path.Combine(Directory, "fifo")]))
            {
                mkfifo.WaitForExit();
            }
        }

        public string Directory { get; }

        private void Write(string name, string text) => File.WriteAllText(Path.Combine(Directory, name), text);

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }

    public static TheoryData<string, string[], string> Matrix => new()
    {
        // Types
        { "type: whole number", ["--PowerUserMinDays=many"], "PowerUserMinDays = 'many': not a valid whole number" },
        { "type: duration", ["--Collectors:engagement:Interval=soon"], "Collectors:engagement:Interval = 'soon': not a valid duration (for example 30s, 5m, 1h or 00:05:00)" },
        { "type: boolean", ["--Collectors:engagement:Enabled=maybe"], "Collectors:engagement:Enabled = 'maybe': not a valid boolean (true or false)" },
        { "type: instant", ["--AsOf=yesterday"], "AsOf = 'yesterday': not a valid ISO-8601 instant (for example 2026-11-01T00:00:00Z)" },
        { "type: number for an enum", ["--EventMetrics:Source=1"], "EventMetrics:Source = '1': not a valid value (sql or incremental)" },
        { "positional argument", ["stray"], "command line: 'stray': unexpected argument (configuration is given as --Key=Value)" },
        { "type: value for a list", ["--ExcludedEvents=cron"], "ExcludedEvents: is a list, not a value (set ExcludedEvents:0, ExcludedEvents:1, ...)" },
        { "type: value for a section", ["--AccountHealth=strict"], "AccountHealth: is a section, not a value" },
        // Ranges
        { "range: power user days", ["--PowerUserMinDays=99"], "PowerUserMinDays = 99: must be between 1 and 30" },
        { "range: interval in the duration grammar", ["--Collectors:retention:Interval=2d"], "Collectors:retention:Interval = 2.00:00:00: must be between 00:00:01 and 1.00:00:00" },
        { "range: zero interval", ["--Collectors:retention:Interval=00:00:00"], "Collectors:retention:Interval = 00:00:00: must be between 00:00:01 and 1.00:00:00" },
        { "range: pool size", ["--Database:MaxPoolSize=0"], "Database:MaxPoolSize = 0: must be between 1 and 32" },
        { "range: connect timeout", ["--Database:ConnectTimeout=00:10:00"], "Database:ConnectTimeout = 00:10:00: must be between 00:00:01 and 00:05:00" },
        { "range: session gap", ["--SessionGap=2.00:00:00"], "SessionGap = 2.00:00:00: must be between 00:00:01 and 1.00:00:00" },
        { "range: listen port", ["--Listen=127.0.0.1:70000"], "Listen = '127.0.0.1:70000': expected host:port, for example 127.0.0.1:9841" },
        { "range: pinned instant", ["--AsOf=0001-01-01"], "AsOf = 0001-01-01T00:00:00.0000000+00:00: must be between 1970-01-01 and 2200-01-01" },
        { "range: band order", ["--AccountHealth:YellowMin=80"], "AccountHealth:YellowMin = 80: must not exceed AccountHealth:GreenMin = 70" },
        { "range: all weights zero", ["--AccountHealth:UsageWeight=0", "--AccountHealth:SupportWeight=0", "--AccountHealth:SentimentWeight=0", "--AccountHealth:BillingWeight=0"], "AccountHealth: the four weights are all 0; at least one must be positive" },
        { "interval shorter than timeout", ["--Collectors:engagement:Timeout=00:02:00"], "Collectors:engagement:Timeout = 00:02:00: must not exceed Collectors:engagement:Interval = 00:01:00" },
        // Unknown keys and names
        { "unknown key", ["--Databse:Schema=x"], "Databse: unknown configuration key" },
        { "unknown nested key", ["--AccountHealth:Colour=red"], "AccountHealth:Colour: unknown configuration key" },
        { "unknown collector", ["--Collectors:engagment:Enabled=false"], "Collectors:engagment: unknown collector (known: account_health, acquisition, activation, adoption, engagement, resurrection, retention, revenue, sessions, support, surveys)" },
        { "bad schema name", ["--Database:Schema=Public-Data"], "Database:Schema = 'Public-Data': must be a lower-case PostgreSQL identifier" },
        { "bad connection string", ["--Database:ConnectionString=Host=x;Pasword=hunter2"], "Database:ConnectionString: not a valid Npgsql connection string (Couldn't set pasword (Parameter 'pasword'))" },
        { "listen without port", ["--Listen=localhost"], "Listen = 'localhost': expected host:port, for example 127.0.0.1:9841" },
        // Time zone and windows
        { "bad time zone", ["--ReportingTimeZone=Mars/Olympus"], "ReportingTimeZone = 'Mars/Olympus': unknown IANA time zone" },
        { "empty time zone", ["--ReportingTimeZone="], "ReportingTimeZone = '': is required" },
        { "bad window unit", ["--ActiveWindows:0=30x"], "ActiveWindows:0 = '30x': expected a window such as 30d, 12h or 4w" },
        { "zero window", ["--ActiveWindows:0=0d"], "ActiveWindows:0 = '0d': expected a window such as 30d, 12h or 4w" },
        { "duplicate window", ["--SignupWindows:0=7d", "--SignupWindows:1=7d"], "SignupWindows: window '7d' is listed twice" },
        { "word for a window", ["--PlatformWindow=forever"], "PlatformWindow = 'forever': expected a window such as 30d, 12h or 4w" },
        { "blank label value", ["--Features:0= "], "Features:0 = ' ': must be a non-empty value of at most 64 characters" },
        { "catch-all listed as a plan", ["--Plans:0=pro", "--Plans:1=other"], "Plans: 'other' is what values outside the list (or NULL) are counted as; it cannot be listed" },
        { "interval listed twice", ["--BillingIntervals:0=month", "--BillingIntervals:1=month"], "BillingIntervals: 'month' is listed twice" },
        { "too many plans", [.. Enumerable.Range(0, 21).Select(i => $"--Plans:{i}=p{i}")], "Plans: 21 values listed; list 1 to 20 (the rest count as 'other')" },
        // Files
        { "collector file missing", ["--CustomCollectorsFile={dir}/none.yml"], "CustomCollectorsFile: {dir}/none.yml: cannot read the custom collector file: Could not find file '{dir}/none.yml'." },
        { "collector file is a directory", ["--CustomCollectorsFile={dir}"], "CustomCollectorsFile: {dir}: cannot read the custom collector file: it is a directory" },
        { "collector file malformed", ["--CustomCollectorsFile={dir}/collectors-bad.yml"], "CustomCollectorsFile: {dir}/collectors-bad.yml:4:50: collector 'c': metric 'c_total': typo: unknown key, did you mean 'type'? (known: name, help, type, value, labels, static_labels, max_series, buckets)" },
        { "web config missing", ["--WebConfigFile={dir}/none.yml"], "WebConfigFile: {dir}/none.yml: cannot read the web config file: Could not find file '{dir}/none.yml'." },
        { "web config unknown key", ["--WebConfigFile={dir}/web-unknown-key.yml"], "WebConfigFile: {dir}/web-unknown-key.yml:1:1: basic_auth_userz: unknown key, did you mean 'basic_auth_users'? (known: tls_server_config, basic_auth_users)" },
        { "web config unsupported toolkit key", ["--WebConfigFile={dir}/web-unsupported.yml"], "WebConfigFile: {dir}/web-unsupported.yml:1:1: http_server_config: is an exporter-toolkit setting this exporter does not support" },
        { "web config clear-text password", ["--WebConfigFile={dir}/web-clear-password.yml"], "WebConfigFile: {dir}/web-clear-password.yml:2:15: basic_auth_users.prometheus: is not a bcrypt hash ($2a$, $2b$ or $2y$, cost 10-31, 60 characters; make one with htpasswd -nBC 10 \"\" | tr -d ':\\n')" },
        { "web config weak bcrypt cost", ["--WebConfigFile={dir}/web-low-cost.yml"], "WebConfigFile: {dir}/web-low-cost.yml:2:15: basic_auth_users.prometheus: is not a bcrypt hash ($2a$, $2b$ or $2y$, cost 10-31, 60 characters; make one with htpasswd -nBC 10 \"\" | tr -d ':\\n')" },
        { "web config bad YAML", ["--WebConfigFile={dir}/web-bad-yaml.yml"], "WebConfigFile: {dir}/web-bad-yaml.yml:2:1: not valid YAML: While parsing a node, did not find expected node content." },
        { "web config key file missing", ["--WebConfigFile={dir}/web-no-key.yml"], "WebConfigFile: {dir}/web-no-key.yml:2:3: tls_server_config: both cert_file and key_file are required" },
        { "web config unreadable certificate", ["--WebConfigFile={dir}/web-missing-cert.yml"], "WebConfigFile: {dir}/web-missing-cert.yml:2:3: tls_server_config: cannot load the certificate 'nowhere.pem' with the key 'nowhere-key.pem': Could not find file '{dir}/nowhere.pem'." },
        { "web config key of another certificate", ["--WebConfigFile={dir}/web-key-mismatch.yml"], "WebConfigFile: {dir}/web-key-mismatch.yml:2:3: tls_server_config: cannot load the certificate 'good/cert.pem' with the key 'other/key.pem': The provided key does not match the public key for this certificate." },
        { "collector file is a FIFO", ["--CustomCollectorsFile={dir}/fifo"], "CustomCollectorsFile: {dir}/fifo: cannot read the custom collector file: it is not a regular file (it is a FIFO)" },
        { "collector file is /dev/zero", ["--CustomCollectorsFile=/dev/zero"], "CustomCollectorsFile: /dev/zero: cannot read the custom collector file: it is not a regular file (it is a character device)" },
        { "collector file over 1 MiB", ["--CustomCollectorsFile={dir}/too-large.yml"], "CustomCollectorsFile: {dir}/too-large.yml: cannot read the custom collector file: it is larger than 1 MiB" },
        { "collector interval over a day", ["--CustomCollectorsFile={dir}/collectors-two-days.yml"], "CustomCollectorsFile: {dir}/collectors-two-days.yml:3:15: collector 'c': interval: '2d' is longer than 1d, the longest collector interval" },
        { "collector help of two lines", ["--CustomCollectorsFile={dir}/collectors-two-line-help.yml"], "CustomCollectorsFile: {dir}/collectors-two-line-help.yml:7:15: collector 'c': metric 'c_value': help: contains a line break or another control character: HELP text is one line" },
        { "web config is a FIFO", ["--WebConfigFile={dir}/fifo"], "WebConfigFile: {dir}/fifo: cannot read the web config file: it is not a regular file (it is a FIFO)" },
        { "web config is /dev/zero", ["--WebConfigFile=/dev/zero"], "WebConfigFile: /dev/zero: cannot read the web config file: it is not a regular file (it is a character device)" },
        { "web config over 1 MiB", ["--WebConfigFile={dir}/too-large.yml"], "WebConfigFile: {dir}/too-large.yml: cannot read the web config file: it is larger than 1 MiB" },
        { "web config certificate is a FIFO", ["--WebConfigFile={dir}/web-fifo-cert.yml"], "WebConfigFile: {dir}/web-fifo-cert.yml:2:3: tls_server_config: cannot load the certificate 'fifo' with the key 'good/key.pem': it is not a regular file (it is a FIFO)" },
        { "web config bcrypt cost above 14", ["--WebConfigFile={dir}/web-costly.yml"], "WebConfigFile: {dir}/web-costly.yml:2:15: basic_auth_users.prometheus: has bcrypt cost 15, above the maximum 14; make a cheaper hash with htpasswd -nBC 12 \"\" | tr -d ':\\n'" },
        { "web config expired certificate", ["--WebConfigFile={dir}/web-expired.yml"], "WebConfigFile: {dir}/web-expired.yml:2:14: tls_server_config.cert_file: 'expired/cert.pem' expired on {expired}" },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Serve_RefusesToStart_WithOneLineAndExitCodeTwo(string mistake, string[] arguments, string expected)
    {
        string Fill(string text) => text.Replace("{dir}", _files.Directory, StringComparison.Ordinal)
            .Replace("{expired}", TimeProvider.System.GetUtcNow().AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var result = await ExporterProcess.RunAsync(
            ["serve", $"--Database:ConnectionString=Host=127.0.0.1;Port=1;Password={Password}", .. arguments.Select(Fill)]);

        Assert.True(result.ExitCode == 2, $"{mistake}: exit {result.ExitCode}: {result.Stderr}");
        Assert.Equal($"saas-exporter: config: {Fill(expected)}", Assert.Single(result.StderrLines));
        Assert.Empty(result.Stdout);
        Assert.DoesNotContain(Password, result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A FIFO blocks an open forever and /dev/zero never ends: both are refused before the file is opened.</summary>
    [Theory]
    [InlineData("--CustomCollectorsFile={dir}/fifo")]
    [InlineData("--WebConfigFile=/dev/zero")]
    public async Task Check_WithASpecialFileAsConfigurationFile_FailsInSeconds(string argument)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await ExporterProcess.RunAsync(
            ["check", "--Database:ConnectionString=Host=127.0.0.1;Port=1", argument.Replace("{dir}", _files.Directory, StringComparison.Ordinal)]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("it is not a regular file", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
