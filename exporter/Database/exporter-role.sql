-- The least-privilege role of saas-exporter: it may connect, see the schema and read the contract relations, and
-- nothing else. Run it as the owner of the relations (or a superuser) with psql, once, and again after creating a
-- contract relation that did not exist yet (an optional one, for example):
--
--   psql -v password='...' [-v schema=saas_metrics] [-v role=saas_exporter] -f exporter/Database/exporter-role.sql product
--
-- Custom SQL collectors that read other relations need their own GRANT SELECT. The exporter also opens every
-- transaction READ ONLY itself; default_transaction_read_only below is a second lock on the same door.
\set ON_ERROR_STOP on
\if :{?role}
\else
  \set role saas_exporter
\endif
\if :{?schema}
\else
  \set schema public
\endif
\if :{?password}
\else
  \echo 'exporter-role.sql: set the role password with -v password=...'
  \quit
\endif

SELECT format(CASE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')
                   THEN 'ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L'
                   ELSE 'CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L' END,
              :'role', :'password') \gexec
SELECT format('ALTER ROLE %I SET default_transaction_read_only = on', :'role') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), :'role') \gexec
SELECT format('GRANT USAGE ON SCHEMA %I TO %I', :'schema', :'role') \gexec

-- The contract relations (exporter/Database/DatabaseContract.cs), those that exist: tables, views or materialized views.
SELECT format('GRANT SELECT ON %I.%I TO %I', n.nspname, c.relname, :'role')
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = :'schema'
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND c.relname IN ('accounts', 'users', 'events', 'subscriptions', 'tickets', 'survey_responses', 'marketing_spend')
ORDER BY c.relname \gexec

-- Nothing beyond SELECT on those relations, even if the role was given more before (by hand or by an older script).
SELECT format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON %I.%I FROM %I', n.nspname, c.relname, :'role')
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = :'schema'
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
ORDER BY c.relname \gexec

-- Memberships a READ ONLY transaction does not contain (server files and programs, other sessions, every table;
-- saas-exporter check warns about the same list, Database/ContractChecker.cs). Revoking one needs ADMIN on it (a
-- superuser); what PUBLIC may execute (dblink, SECURITY DEFINER functions) is for the DBA: docs/security.md.
SELECT format('REVOKE %I FROM %I', g.rolname, :'role')
FROM pg_auth_members m
JOIN pg_roles g ON g.oid = m.roleid
JOIN pg_roles u ON u.oid = m.member
WHERE u.rolname = :'role'
  AND g.rolname IN ('pg_read_server_files', 'pg_write_server_files', 'pg_execute_server_program', 'pg_signal_backend',
                    'pg_read_all_data', 'pg_write_all_data', 'pg_checkpoint', 'pg_create_subscription',
                    'rds_superuser', 'azure_pg_admin', 'cloudsqlsuperuser', 'alloydbsuperuser')
ORDER BY g.rolname \gexec
