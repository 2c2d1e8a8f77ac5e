using Dapper;
using Npgsql;

namespace SaasExporter.Demo;

/// <summary>
/// Keeps the demo database alive: every tick it appends sessions of existing users at the current time, signs up new
/// users (some in new trial accounts), activates recent signups, and opens and answers tickets.
/// </summary>
internal sealed class DemoSimulator(NpgsqlDataSource dataSource, TimeProvider time, int seed, TextWriter log)
{
    private const string LoadSql = """
        SELECT u.user_id AS UserId, u.account_id AS AccountId FROM users u
        JOIN accounts a ON a.account_id = u.account_id
        WHERE NOT u.is_internal AND NOT a.is_internal
        ORDER BY u.user_id
        """;

    private const string IdsSql = """
        SELECT (SELECT coalesce(max(account_id), 0) FROM accounts) AS Account, (SELECT coalesce(max(user_id), 0) FROM users) AS User,
               (SELECT coalesce(max(ticket_id), 0) FROM tickets) AS Ticket, (SELECT coalesce(max(subscription_id), 0) FROM subscriptions) AS Subscription
        """;

    private sealed record Member(long UserId, long AccountId);

    private sealed record Ids(long Account, long User, long Ticket, long Subscription);

    public async Task RunAsync(TimeSpan tick, CancellationToken cancellationToken)
    {
        var random = new DemoRandom(seed);
        List<Member> members;
        Ids ids;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            members = [.. await connection.QueryAsync<Member>(new CommandDefinition(LoadSql, cancellationToken: cancellationToken))];
            ids = await connection.QuerySingleAsync<Ids>(new CommandDefinition(IdsSql, cancellationToken: cancellationToken));
        }

        if (members.Count == 0)
        {
            throw new DemoException("the database has no users: run `saas-exporter demo seed` first");
        }

        var (accountId, userId, ticketId, subscriptionId) = (ids.Account, ids.User, ids.Ticket, ids.Subscription);
        var pendingActivation = new Queue<(long UserId, DateTimeOffset At)>();
        using var timer = new PeriodicTimer(tick, time);
        var last = time.GetUtcNow();
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            var seconds = (now - last).TotalSeconds;
            last = now;
            var events = new List<EventRow>();

            // About a third of the users are active on a given day; a session lasts a few minutes.
            var sessions = random.Poisson(members.Count * 0.35 * 1.5 * seconds / 86400);
            for (var s = 0; s < sessions; s++)
            {
                var member = members[random.Next(0, members.Count)];
                var feature = random.Pick(DemoCatalog.FeatureWeights);
                var platform = DemoCatalog.Platforms[random.Pick([0.7, 0.25, 0.05])];
                var count = 1 + random.Poisson(3);
                for (var e = 0; e < count; e++)
                {
                    var action = DemoCatalog.Actions[feature][random.Pick(DemoCatalog.ActionWeights[feature])];
                    events.Add(new EventRow(member.UserId, now.AddSeconds(-random.Next() * seconds), action, DemoCatalog.Features[feature], platform));
                }
            }

            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (random.Chance(Math.Min(1, members.Count / 10_000.0 * 60 * seconds / 86400)))
            {
                var newAccount = random.Chance(0.6);
                var account = newAccount ? ++accountId : members[random.Next(0, members.Count)].AccountId;
                if (newAccount)
                {
                    await connection.ExecuteAsync("INSERT INTO accounts (account_id, created_at) VALUES (@account, @now)", new { account, now }, transaction);
                    await connection.ExecuteAsync("""
                        INSERT INTO subscriptions (subscription_id, account_id, plan, billing_interval, mrr, is_trial, valid_from)
                        VALUES (@id, @account, 'pro', 'month', 79, true, @now)
                        """, new { id = ++subscriptionId, account, now }, transaction);
                }

                var user = ++userId;
                await connection.ExecuteAsync("INSERT INTO users (user_id, account_id, created_at) VALUES (@user, @account, @now)", new { user, account, now }, transaction);
                members.Add(new Member(user, account));
                if (random.Chance(0.7))
                {
                    pendingActivation.Enqueue((user, now.AddHours(random.LogNormal(2, 1))));
                }
            }

            while (pendingActivation.TryPeek(out var pending) && pending.At <= now)
            {
                pendingActivation.Dequeue();
                await connection.ExecuteAsync("UPDATE users SET activated_at = @at, onboarding_completed_at = @at WHERE user_id = @user",
                    new { at = pending.At, user = pending.UserId }, transaction);
            }

            if (random.Chance(Math.Min(1, members.Count / 10_000.0 * 40 * seconds / 86400)))
            {
                await connection.ExecuteAsync("INSERT INTO tickets (ticket_id, account_id, created_at, priority) VALUES (@id, @account, @now, 'normal')",
                    new { id = ++ticketId, account = members[random.Next(0, members.Count)].AccountId, now }, transaction);
            }

            await connection.ExecuteAsync("""
                UPDATE tickets SET first_response_at = @now WHERE first_response_at IS NULL AND created_at < @now - interval '2 hours';
                UPDATE tickets SET resolved_at = @now WHERE resolved_at IS NULL AND first_response_at < @now - interval '1 day'
                """, new { now }, transaction);

            if (events.Count > 0)
            {
                await connection.ExecuteAsync(
                    "INSERT INTO events (user_id, occurred_at, name, feature, platform) VALUES (@UserId, @OccurredAt, @Name, @Feature, @Platform)",
                    events, transaction);
            }

            await transaction.CommitAsync(cancellationToken);
            await log.WriteLineAsync($"{now:O} +{events.Count} events, {members.Count} users");
        }
    }
}
