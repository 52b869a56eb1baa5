{#- One row: the latest load_at each layer has taken in, and whether every
    layer has taken in the latest load (each incremental model's latest
    load_at is its parent's; silver's is that of the latest valid rows).
    `podcast run` starts no dbt when no file is new, the inputs are those of
    the last successful run, and this is true. -#}
with latest_loads as (
    select
        (select max(load_at) from {{ ref('raw_events') }}) as loaded_at,
        (select max(load_at) from {{ ref('raw_events_validated') }}) as validated_at,
        (
            select max(load_at) from {{ ref('raw_events_validated') }}
            where {{ list_is_empty('validation_errors') }}
        ) as latest_valid_at,
        (select max(load_at) from {{ ref('cleansed_events') }}) as cleansed_at,
        (select max(load_at) from {{ ref('fact_user_interactions') }}) as fact_at
)

select
    loaded_at,
    validated_at,
    latest_valid_at,
    cleansed_at,
    fact_at,
    validated_at is not distinct from loaded_at
    and cleansed_at is not distinct from latest_valid_at
    and fact_at is not distinct from cleansed_at as caught_up
from latest_loads
