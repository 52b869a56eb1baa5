{#- The reference data directory (users.csv, episodes.csv): the seeds' path. -#}
{% macro reference_dir() -%}
    {{ return(run_env_var('PODCAST_SEED_DIR', 'fixtures/reference').rstrip('/')) }}
{%- endmacro %}

{#- The records of a reference CSV file as a relation, for the seeds'
    row-count tests. -#}
{% macro reference_csv_relation(csv_file) -%}
    {{ return(adapter.dispatch('reference_csv_relation', 'podcast')(csv_file)) }}
{%- endmacro %}

{% macro default__reference_csv_relation(csv_file) -%}
    read_csv({{ sql_quote(reference_dir() ~ '/' ~ csv_file) }}, header = true, all_varchar = true)
{%- endmacro %}

{#- Snowflake: the CSV's records, counted by Snowflake from the file PUT to
    the reference stage (snowflake/stage.sql; the emulator counts the local
    file). -#}
{% macro snowflake__reference_csv_relation(csv_file) -%}
    {%- set local_path = absolute_local_path(reference_dir() ~ '/' ~ csv_file) -%}
    {%- if execute and not snowflake_emulator() and flags.WHICH in ['build', 'test'] -%}
        {#- Only when the test runs: `dbt compile` or `docs generate` create and PUT nothing. -#}
        {%- do create_snowflake_load_objects() -%}
        {%- do put_to_stage(local_path, csv_file, snowflake_reference_stage()) -%}
    {%- endif -%}
    {%- if snowflake_emulator() -%}
        read_csv({{ sql_quote(local_path) }}, header = true, all_varchar = true)
    {%- else -%}
        @{{ snowflake_reference_stage() }}/{{ csv_file }} (file_format => '{{ snowflake_reference_csv_format() }}')
    {%- endif -%}
{%- endmacro %}
