{#- One row per load and validation code that load's rows break: how many
    rows break it (a row breaking several rules counts once under each).
    `podcast run` shows its own load's. -#}
with invalid_rows as (
    select
        load_at,
        validation_errors
    from {{ ref('raw_events_validated') }}
    where not {{ list_is_empty('validation_errors') }}
),

codes as (
    {{ list_elements('invalid_rows', 'validation_errors', 'code', ['load_at']) }}
)

select
    load_at,
    code,
    count(*) as row_count
from codes
group by load_at, code
