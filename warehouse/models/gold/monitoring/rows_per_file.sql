{#- One row per loaded file that held event lines: its rows in
    bronze.raw_events and the load that brought it (a file is loaded once).
    "Files loaded" in `podcast status`, and in `podcast run` for its load_at. -#}
with raw_events as (
    select
        filename,
        load_at
    from {{ ref('raw_events') }}
)

select
    filename,
    load_at,
    count(*) as row_count
from raw_events
group by filename, load_at
