{#- One row per validated file: its rows, the invalid ones (breaking at least
    one rule) and their share. The report's data quality per file; `podcast
    run` sums invalid_rows over its own load_at. -#}
with validated as (
    select
        filename,
        load_at,
        {{ list_is_empty('validation_errors') }} as is_valid
    from {{ ref('raw_events_validated') }}
),

per_file as (
    select
        filename,
        load_at,
        count(*) as row_count,
        count(case when not is_valid then 1 end) as invalid_rows
    from validated
    group by filename, load_at
)

select
    filename,
    load_at,
    row_count,
    invalid_rows,
    round(cast(invalid_rows as double) / row_count, 4) as invalid_share
from per_file
