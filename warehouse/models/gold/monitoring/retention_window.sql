{#- One row per archived table: the window it keeps and where its archive
    is, as its last post-hook recorded it (macros/retention/record.sql).
    "Retention window" in `podcast status` and `podcast report`; `podcast
    run` compares window_start with the window a new run would keep. -#}
select
    case table_name when 'silver.cleansed_events' then 1 else 2 end as pipeline_order,
    table_name,
    retention_days,
    window_start,
    archived_before,
    archive_location,
    loaded_through
from {{ source('silver', 'retention_record') }}
