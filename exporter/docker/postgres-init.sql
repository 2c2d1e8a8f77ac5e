-- Runs once when the demo PostgreSQL volume is created (docker-entrypoint-initdb.d).
-- The exporter gets its own role that can only read: the database is never written by it.
-- The same privileges as exporter/Database/exporter-role.sql (the file to use on a real database), with one demo-only
-- difference: the tables do not exist yet here (`demo seed` creates them later), so SELECT is granted through default
-- privileges on a schema that holds the contract relations and nothing else.
CREATE ROLE saas_exporter LOGIN PASSWORD 'saas-exporter-demo';
GRANT CONNECT ON DATABASE product TO saas_exporter;
GRANT USAGE ON SCHEMA public TO saas_exporter;
-- Tables are created later by `demo seed` (as the owner role), so grant on future tables too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO saas_exporter;
ALTER ROLE saas_exporter SET default_transaction_read_only = on;
