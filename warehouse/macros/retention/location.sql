{#- Where the archive is and how its files are named: on DuckDB a directory,
    on Snowflake the internal stage bronze.archive (var archive_dir is
    DuckDB's). A file: <archive>/<table>/month=YYYY-MM/run-<stamp>-<invocation>.parquet. -#}

{#- On DuckDB var archive_dir, by default the warehouse file's path with
    ".archive" appended (podcast run passes the warehouse as an absolute
    path). Its parent must exist. -#}
{% macro archive_dir() -%}
    {{ return(adapter.dispatch('archive_dir', 'podcast')()) }}
{%- endmacro %}

{% macro default__archive_dir() -%}
    {%- set dir = var('archive_dir', none) -%}
    {%- if dir is none or dir == '' -%}
        {%- set dir = target.path ~ '.archive' -%}
    {%- endif -%}
    {%- if dir is not string or modules.re.search('[*?\\[\\]{}\\x00-\\x1f\\x7f]', dir) -%}
        {{ refuse_var('archive_dir', 'a directory path without control or glob characters (* ? [ ] { })', dir) }}
    {%- endif -%}
    {{ return(dir.rstrip('/') if dir != '/' else dir) }}
{%- endmacro %}

{% macro snowflake__archive_dir() -%}
    {{ return('@' ~ snowflake_archive_stage()) }}
{%- endmacro %}

{#- The archive of one table: <archive_dir>/<table name>. -#}
{% macro table_archive_dir(relation) -%}
    {{ return(archive_dir() ~ '/' ~ relation.identifier) }}
{%- endmacro %}

{#- A load_at 'YYYY-MM-DD HH:MM:SS[.f...]' as 'YYYYMMDDTHHMMSSffffff': the
    stamp that starts an archive file's name, ordered as the load_at. -#}
{% macro archive_stamp(load_at_text) -%}
    {%- set text = load_at_text | string -%}
    {{ return(text[0:4] ~ text[5:7] ~ text[8:10] ~ 'T' ~ text[11:13] ~ text[14:16] ~ text[17:19] ~ (text[20:] ~ '000000')[0:6]) }}
{%- endmacro %}

{#- An archive file's name: run-<stamp of this run's load_at>-<dbt's
    invocation id>.parquet, unique per run. -#}
{% macro archive_file_name() -%}
    {{ return('run-' ~ archive_stamp(load_at()) ~ '-' ~ invocation_id ~ '.parquet') }}
{%- endmacro %}

{#- Snowflake: the stage and the Parquet file format, created if missing
    (idempotent). -#}
{% macro snowflake_archive_stage() -%}
    {{ return('bronze.archive') }}
{%- endmacro %}

{% macro snowflake_archive_format() -%}
    {{ return('bronze.archive_parquet') }}
{%- endmacro %}

{% macro create_snowflake_archive_objects() -%}
    {%- do run_query('create schema if not exists bronze') -%}
    {%- do run_query('create file format if not exists ' ~ snowflake_archive_format() ~ ' type = parquet') -%}
    {%- do run_query('create stage if not exists ' ~ snowflake_archive_stage()
        ~ ' file_format = (format_name = ' ~ sql_quote(snowflake_archive_format()) ~ ')') -%}
{%- endmacro %}
