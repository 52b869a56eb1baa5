{#- One row per archived table and month of its archive: the rows archived
    ("Archived months" in `podcast status`; their sum for the fact is the
    archived events `podcast report` states). A table, rebuilt by each run
    after the archived tables' post-hooks: dbt lists the archive's files when
    it runs (a view cannot list them, and the tool's reader may read no file
    but the archive's). It counts the files of completed runs; a stopped
    run's files are counted by the next run, whose post-hook finishes their
    work. -#}
{{ config(materialized='table') }}

with archived as (
    select
        1 as pipeline_order,
        'silver.cleansed_events' as table_name,
        {{ month_text('timestamp') }} as month
    from {{ archived_rows(ref('cleansed_events'), columns=['timestamp']) }} as cleansed
    union all
    select
        2 as pipeline_order,
        'gold.fact_user_interactions' as table_name,
        {{ month_text('timestamp') }} as month
    from {{ archived_rows(ref('fact_user_interactions'), columns=['timestamp']) }} as fact
)

select
    pipeline_order,
    table_name,
    month,
    cast(count(*) as bigint) as row_count
from archived
group by pipeline_order, table_name, month
