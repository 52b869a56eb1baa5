-- One-time setup of a Snowflake account for the podcast pipeline (docs/snowflake.md).
-- Run by an administrator (a user with SYSADMIN and SECURITYADMIN), for example:
--   snowsql -a <account> -u <admin> -f warehouse/snowflake/setup.sql
-- The names are the documented defaults: change them here and in the SNOWFLAKE_* settings
-- together. Everything else (the schemas bronze, silver and gold, the file formats and the
-- internal stage) is created by the pipeline's own role: `podcast run --target prod`, or
-- `dbt run-operation create_snowflake_load_objects --target prod` in warehouse/.

use role sysadmin;

create warehouse if not exists podcast_wh
    warehouse_size = xsmall
    auto_suspend = 60
    auto_resume = true
    initially_suspended = true;

create database if not exists podcast;

use role securityadmin;

create role if not exists podcast_pipeline;
grant role podcast_pipeline to role sysadmin;

-- The pipeline's user. Key-pair authentication (SNOWFLAKE_PRIVATE_KEY_PATH) is preferred:
--   openssl genrsa 2048 | openssl pkcs8 -topk8 -nocrypt -out podcast_loader.p8
--   openssl rsa -in podcast_loader.p8 -pubout   (paste the key body below, without the markers)
create user if not exists podcast_loader
    default_role = podcast_pipeline
    default_warehouse = podcast_wh
    default_namespace = podcast.bronze
    comment = 'podcast pipeline (dbt)';
-- alter user podcast_loader set rsa_public_key = '<public key body>';
grant role podcast_pipeline to user podcast_loader;

-- The SQL relies on TIMESTAMP meaning TIMESTAMP_NTZ (Snowflake's default), pinned for this user
-- so that an account-wide change cannot alter it; UTC for anything shown.
alter user podcast_loader set timestamp_type_mapping = 'TIMESTAMP_NTZ' timezone = 'UTC';

use role sysadmin;

grant usage on warehouse podcast_wh to role podcast_pipeline;
-- The role creates and so owns the schemas bronze, silver and gold and everything in them.
grant usage, create schema on database podcast to role podcast_pipeline;

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
