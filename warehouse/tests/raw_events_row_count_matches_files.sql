{#- Design: raw_events' row count matches the source files' row count. Checked
    for the files of the latest load (the earlier ones were checked by their
    own run): rows per file against the file's non-blank lines. -#}
{%- set loaded_files = [] -%}
{%- if execute and load_relation(ref('raw_events')) is not none -%}
    {%- set query -%}
        select distinct filename from {{ ref('raw_events') }}
        where load_at = (select max(load_at) from {{ ref('raw_events') }})
        order by filename
    {%- endset -%}
    {%- set loaded_files = run_query(query).columns[0].values() | list -%}
{%- endif %}

with raw_events as (
    select
        filename,
        load_at
    from {{ ref('raw_events') }}
),

loaded as (
    select
        filename,
        count(*) as row_count
    from raw_events
    where raw_events.load_at = (select max(latest.load_at) from raw_events as latest)
    group by filename
),

file_lines as (
    {{- file_line_counts(loaded_files) }}
),

compared as (
    select
        coalesce(loaded.filename, file_lines.filename) as filename,
        loaded.row_count as loaded_rows,
        file_lines.row_count as file_rows
    from loaded
    full outer join file_lines on loaded.filename = file_lines.filename
)

select * from compared
where loaded_rows is distinct from file_rows
