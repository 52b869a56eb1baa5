{#- The record of loaded files (bronze.loaded_files): created when a run
    starts, written by raw_events' post-hook in the load's own transaction. -#}

{#- The record of every loaded event file (bronze.loaded_files), kept in the
    load's own transaction by raw_events' post-hook: a file is in it exactly
    when its rows are in raw_events (none, for a file of blank lines). -#}
{% macro load_record_relation() -%}
    {{ return(api.Relation.create(database=target.database, schema='bronze', identifier='loaded_files')) }}
{%- endmacro %}

{#- on-run-start: the record's table, when a build or run starts on a new
    warehouse; on a warehouse loaded before the record existed, filled from
    raw_events (no byte counts or digests for those files). -#}
{% macro create_load_record() -%}
    {%- if execute and flags.WHICH in ['build', 'run'] -%}
        {%- set record = load_record_relation() -%}
        {%- if adapter.get_relation(database=record.database, schema=record.schema, identifier=record.identifier) is none -%}
            {%- do adapter.create_schema(record) -%}
            {%- call statement('create_load_record') -%}
                create table {{ record }} (
                    filename varchar not null,
                    load_at {{ timestamp_type() }} not null,
                    row_count bigint not null,
                    byte_count bigint,
                    sha256 varchar
                )
            {%- endcall -%}
            {%- set raw_events = adapter.get_relation(database=record.database, schema=record.schema, identifier='raw_events') -%}
            {%- if raw_events is not none -%}
                {%- call statement('fill_load_record') -%}
                    insert into {{ record }} (filename, load_at, row_count)
                    select filename, max(load_at), count(*) from {{ raw_events }} group by filename
                {%- endcall -%}
            {%- endif -%}
            {%- do adapter.commit() -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- raw_events' post-hook, inside its transaction: the files just loaded
    join the record, with the manifest's counts and digests, or (by hand)
    their lines counted by a reader other than the load's. -#}
{% macro record_loaded_files() -%}
    {{ return(adapter.dispatch('record_loaded_files', 'podcast')()) }}
{%- endmacro %}

{% macro default__record_loaded_files() -%}
    {%- set filenames = new_event_files() -%}
    {%- if filenames | length == 0 -%}
    select 1
    {%- elif load_manifest() -%}
    insert into {{ load_record_relation() }} (filename, load_at, row_count, byte_count, sha256)
    select filename, cast({{ sql_quote(load_at()) }} as {{ timestamp_type() }}), row_count, byte_count, sha256
    from {{ load_manifest_relation() }}
    {%- else -%}
    insert into {{ load_record_relation() }} (filename, load_at, row_count)
    select files.filename, cast({{ sql_quote(load_at()) }} as {{ timestamp_type() }}), coalesce(counts.row_count, 0)
    from (values {% for name in filenames %}({{ sql_quote(name) }}){{ ", " if not loop.last }}{% endfor %}) as files (filename)
    left join ({{ file_line_counts(filenames) }}) as counts on files.filename = counts.filename
    {%- endif -%}
{%- endmacro %}

{#- Non-blank lines per given event file (filename, row_count), for the test
    that raw_events holds one row per such line. -#}
{% macro file_line_counts(filenames) -%}
    {%- if filenames | length == 0 -%}
    select
        cast(null as varchar) as filename,
        cast(0 as bigint) as row_count
    where false
    {%- else -%}
    {{ return(adapter.dispatch('file_line_counts', 'podcast')(filenames)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__file_line_counts(filenames) -%}
    {#- Counted by a reader other than the load's (one JSON text per record,
        nothing mapped to columns), which like the load skips blank lines:
        a line the load dropped or doubled shows. Reading and splitting the
        files' text costs about six times as much. -#}
    select
        substr(filename, {{ data_dir() | length + 2 }}) as filename,
        count(*) as row_count
    from read_ndjson_objects({{ event_file_paths(filenames) }}, filename = true)
    group by filename
{%- endmacro %}

{#- Snowflake: the files just landed join the record, with the landing counts
    (equal to the manifest's, checked) and the manifest's size and SHA-256,
    exactly as on DuckDB. -#}
{% macro snowflake__record_loaded_files() -%}
    insert into {{ load_record_relation() }} (filename, load_at, row_count, byte_count, sha256)
    select filename, cast({{ sql_quote(load_at()) }} as {{ timestamp_type() }}), row_count, byte_count, sha256
    from {{ snowflake_landing_table('files') }}
{%- endmacro %}
