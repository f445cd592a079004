-- Read-only roles beside the application's owner role (idempotent; psql, run by the owner role).
--   mytelevision_readonly   Grafana's PostgreSQL datasource: reads every table, writes nothing
--   postgres_exporter       postgres-exporter: pg_monitor (statistics views), no table data
-- Passwords are read from the files named by POSTGRES_READONLY_PASSWORD_FILE and
-- POSTGRES_EXPORTER_PASSWORD_FILE (compose secrets, or the native stack's secrets/), never written here.
-- docker compose runs it once at the first start of an empty volume
-- (/docker-entrypoint-initdb.d/20-roles.sh); the native stack after every start.
\set ON_ERROR_STOP on
\set readonly_password `cat "$POSTGRES_READONLY_PASSWORD_FILE"`
\set exporter_password `cat "$POSTGRES_EXPORTER_PASSWORD_FILE"`

SELECT 'CREATE ROLE mytelevision_readonly LOGIN'
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mytelevision_readonly') \gexec
ALTER ROLE mytelevision_readonly WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'readonly_password';
ALTER ROLE mytelevision_readonly SET default_transaction_read_only = on;
GRANT pg_read_all_data TO mytelevision_readonly;

SELECT 'CREATE ROLE postgres_exporter LOGIN'
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'postgres_exporter') \gexec
ALTER ROLE postgres_exporter WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'exporter_password';
ALTER ROLE postgres_exporter SET default_transaction_read_only = on;
GRANT pg_monitor TO postgres_exporter;
