{#- Incremental by filename: only files not loaded yet are read. Every row of
    a run shares that run's load_at. Never rebuilt by --full-refresh: once a
    file is loaded (and perhaps archived), its rows live here only. The
    post-hooks run in the load's transaction: the files loaded join the
    record (bronze.loaded_files) with their rows, or not at all. -#}
{{ config(
    full_refresh=false,
    post_hook=["{{ drop_event_lines_scan() }}", "{{ record_loaded_files() }}"]
) }}
{%- set filenames = new_event_files() -%}
{%- do assert_load_contract(filenames) -%}

-- depends_on: {{ source('loading', 'event_files') }}

with event_lines as (
    {{ read_event_lines(filenames) }}
),

stamped as (
    select
        event_type,
        user_id,
        episode_id,
        timestamp,
        duration,
        filename,
        line_number,
        cast({{ sql_quote(load_at()) }} as {{ timestamp_type() }}) as load_at
    from event_lines
)

select * from stamped
