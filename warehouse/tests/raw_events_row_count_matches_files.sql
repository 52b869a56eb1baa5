{#- Design: raw_events' row count matches the source file(s) row count. Rows
    per file against the record's count of the file's non-blank lines, which
    `podcast run` took reading the file itself before dbt started (by hand:
    DuckDB's NDJSON object reader, not the load's). The files loaded since the
    last tested run, or every file. -#}
{%- set since = tested_since() -%}

with loaded as (
    select
        filename,
        load_at,
        count(*) as row_count
    from {{ ref('raw_events') }}
    {%- if since %}
    where load_at > cast({{ sql_quote(since) }} as {{ timestamp_type() }})
    {%- endif %}
    group by filename, load_at
),

recorded as (
    select
        filename,
        load_at,
        row_count
    from {{ source('bronze', 'loaded_files') }}
    {%- if since %}
    where load_at > cast({{ sql_quote(since) }} as {{ timestamp_type() }})
    {%- endif %}
),

compared as (
    select
        coalesce(loaded.filename, recorded.filename) as filename,
        loaded.row_count as loaded_rows,
        recorded.row_count as recorded_rows
    from loaded
    full outer join recorded
        on loaded.filename = recorded.filename and loaded.load_at = recorded.load_at
)

select * from compared
where coalesce(loaded_rows, 0) <> coalesce(recorded_rows, -1)
