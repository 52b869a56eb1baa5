-- One-time setup of a Snowflake account for the podcast pipeline (docs/snowflake.md).
-- Run by an administrator who holds SYSADMIN, USERADMIN and SECURITYADMIN, for example:
--   snowsql -a <account> -u <admin> -f warehouse/snowflake/setup.sql
-- The names are the documented defaults: change them here and in the SNOWFLAKE_* settings
-- together. Everything else (the schemas bronze, silver and gold, the file formats and the
-- internal stage) is created by the pipeline's own role: `podcast run --target prod`, or
-- `dbt run-operation create_snowflake_load_objects --target prod` in warehouse/.

-- Objects: SYSADMIN owns the warehouses and the database.
use role sysadmin;

-- Load and transform (the pipeline's dbt runs). Sized for docs/scale.md's plan: a run of one
-- hour's files (about 42M events at a billion a day) on MEDIUM; XSMALL is plenty below a few
-- million events a day. It suspends a minute after the run.
create warehouse if not exists podcast_wh
    warehouse_size = medium
    auto_suspend = 60
    auto_resume = true
    initially_suspended = true
    comment = 'podcast pipeline: load and transform (dbt)';

-- BI and reporting, apart from the pipeline's warehouse so that dashboards never queue
-- behind a merge, and a merge never waits for dashboards.
create warehouse if not exists podcast_bi_wh
    warehouse_size = xsmall
    auto_suspend = 60
    auto_resume = true
    initially_suspended = true
    comment = 'podcast reporting: gold views and tables';

-- Text compares and sorts by its UTF-8 bytes in every table the pipeline creates, whatever
-- an account-wide DEFAULT_DDL_COLLATION says (the SQL also compares ids and orders file
-- names in byte order explicitly: in_byte_order in macros/helpers.sql).
create database if not exists podcast default_ddl_collation = 'utf8';
alter database podcast set default_ddl_collation = 'utf8';

-- Roles and users: USERADMIN creates and owns them.
use role useradmin;

create role if not exists podcast_pipeline comment = 'podcast pipeline: owns bronze, silver, gold';
create role if not exists podcast_reporting comment = 'podcast reporting: read-only on gold';

-- The pipeline's user: a service user, so it cannot sign in with a password (or SSO, or MFA);
-- key-pair authentication only. Make a passphrase-protected key (the passphrase goes to
-- SNOWFLAKE_PRIVATE_KEY_PASSPHRASE, the key file to SNOWFLAKE_PRIVATE_KEY_PATH):
--   openssl genrsa 2048 | openssl pkcs8 -topk8 -v2 aes-256-cbc -out podcast_loader.p8
--   openssl rsa -in podcast_loader.p8 -pubout -out podcast_loader.pub
-- then set the public key's body (without the BEGIN/END lines) below.
create user if not exists podcast_loader
    type = service
    default_role = podcast_pipeline
    default_warehouse = podcast_wh
    default_namespace = podcast.bronze
    comment = 'podcast pipeline (dbt), key-pair only';
-- alter user podcast_loader set rsa_public_key = '<public key body>';
-- Key rotation: set rsa_public_key_2 to the new key, switch SNOWFLAKE_PRIVATE_KEY_PATH,
-- then unset rsa_public_key.

-- The SQL writes TIMESTAMP_NTZ by name (macros/helpers.sql, timestamp_type), so an
-- account's TIMESTAMP_TYPE_MAPPING cannot change a result; pinned for the user as well, with
-- UTC for anything shown.
alter user podcast_loader set timestamp_type_mapping = 'TIMESTAMP_NTZ' timezone = 'UTC';

-- Grants of roles: SECURITYADMIN. Both roles roll up to SYSADMIN (Snowflake's advice for
-- custom roles), so the administrators keep sight of every object.
use role securityadmin;

grant role podcast_pipeline to role sysadmin;
grant role podcast_reporting to role sysadmin;
grant role podcast_pipeline to user podcast_loader;
-- Reporting users and BI tools' service users get podcast_reporting, for example:
--   grant role podcast_reporting to user <bi user>;

-- Privileges on the objects: their owner, SYSADMIN.
use role sysadmin;

grant usage on warehouse podcast_wh to role podcast_pipeline;
-- The role creates and so owns the schemas bronze, silver and gold and everything in them.
grant usage, create schema on database podcast to role podcast_pipeline;

grant usage on warehouse podcast_bi_wh to role podcast_reporting;
grant usage on database podcast to role podcast_reporting;

-- Usage on the schemas the pipeline will create (usage alone shows no table); select on each
-- gold table and view comes from dbt's grants (dbt_project.yml, gold: +grants), applied by
-- every run to what it builds. Future grants need MANAGE GRANTS: SECURITYADMIN.
use role securityadmin;
grant usage on future schemas in database podcast to role podcast_reporting;
-- If gold already exists when this script runs: grant usage on schema podcast.gold to role podcast_reporting;

-- Optional: event files in cloud storage instead of the internal stage (run
-- `podcast run --target prod --var snowflake_stage=podcast.landing.event_files`). The stage's
-- URL is the loading directory: a file's path under it is its filename in bronze.raw_events.
--
-- use role accountadmin;
-- create storage integration if not exists podcast_events
--     type = external_stage
--     storage_provider = 's3'
--     enabled = true
--     storage_aws_role_arn = 'arn:aws:iam::<account id>:role/<role>'
--     storage_allowed_locations = ('s3://<bucket>/<prefix>/');
-- grant usage on integration podcast_events to role sysadmin;
-- use role sysadmin;
-- create schema if not exists podcast.landing;
-- create stage if not exists podcast.landing.event_files
--     url = 's3://<bucket>/<prefix>/'
--     storage_integration = podcast_events;
-- grant usage on schema podcast.landing to role podcast_pipeline;
-- grant usage on stage podcast.landing.event_files to role podcast_pipeline;
