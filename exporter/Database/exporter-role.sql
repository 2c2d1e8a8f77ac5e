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
