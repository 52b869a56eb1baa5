{#- The Snowflake statements of retention that the emulator cannot run, for
    warehouse/snowflake/parse_compiled.py to parse (`dbt compile --inline`):
    the unload of the fact's rows with its anti-join on the stage, and the
    delete of archived rows, on made-up files. -#}
{% macro snowflake_retention_statements() -%}
    {%- set relation = api.Relation.create(database=target.database, schema='gold', identifier='fact_user_interactions') -%}
    {%- set files = [
        ['fact_user_interactions/month=2024-07/run-20240801T000000000000-a.parquet', '2024-07', '20240801T000000000000'],
        ['fact_user_interactions/month=2024-08/run-20240902T120000500000-b.parquet', '2024-08', '20240902T120000500000'],
    ] -%}
    {%- set casts = {'event_type': 'varchar', 'interaction_id': 'decimal(38, 0)'} -%}
    {%- set in_archive -%}
        exists (
            select 1 from ({{ snowflake__archived_files_select(files, [['interaction_id', 'decimal(38, 0)']], none) }}) as archived
            where archived.interaction_id = {{ archived_column('interaction_id', casts, relation.identifier ~ '.') }}
        )
    {%- endset -%}
    {{ snowflake_archive_unload(relation, ['interaction_id', 'user_id', 'episode_id', 'event_type', 'timestamp', 'duration', 'load_at'],
        '2024-08-21', '2024-08', in_archive, casts) }};
    delete from {{ relation }}
    where timestamp < cast('2024-09-01' as date) and {{ in_archive }};
    select * from ({{ snowflake__archived_files_select(files, [['user_id', 'varchar'], ['timestamp', 'timestamp_ntz']], '2024-09-01 00:00:00.000000') }}) as archived
    where archived.load_at > cast('2024-09-01 00:00:00.000000' as timestamp_ntz)
{%- endmacro %}
