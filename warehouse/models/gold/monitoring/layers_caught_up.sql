{#- One row: the latest load_at each layer has taken in, and whether every
    layer has taken in the latest load (each incremental model's latest
    load_at is its parent's; silver's is that of the latest valid rows).
    `podcast run` starts no dbt when no file is new, the inputs are those of
    the last successful run, and this is true. With retention, a table has
    taken in a load whose rows have all left it for the archive: its latest
    load_at is also the one silver.retention_record keeps (loaded_through). -#}
with taken_in as (
    select
        'silver.cleansed_events' as table_name,
        max(load_at) as load_at
    from {{ ref('cleansed_events') }}
    union all
    select
        'gold.fact_user_interactions' as table_name,
        max(load_at) as load_at
    from {{ ref('fact_user_interactions') }}
    union all
    select
        table_name,
        loaded_through as load_at
    from {{ source('silver', 'retention_record') }}
),

taken_in_per_table as (
    select
        table_name,
        max(load_at) as load_at
    from taken_in
    group by table_name
),

latest_loads as (
    select
        (select max(load_at) from {{ ref('raw_events') }}) as loaded_at,
        (select max(load_at) from {{ ref('raw_events_validated') }}) as validated_at,
        (
            select max(load_at) from {{ ref('raw_events_validated') }}
            where {{ list_is_empty('validation_errors') }}
        ) as latest_valid_at,
        (
            select load_at from taken_in_per_table
            where table_name = 'silver.cleansed_events'
        ) as cleansed_at,
        (
            select load_at from taken_in_per_table
            where table_name = 'gold.fact_user_interactions'
        ) as fact_at
),

compared as (
    select
        *,
        coalesce(validated_at = loaded_at, validated_at is null and loaded_at is null) as validated_all,
        coalesce(cleansed_at = latest_valid_at, cleansed_at is null and latest_valid_at is null) as cleansed_all,
        coalesce(fact_at = cleansed_at, fact_at is null and cleansed_at is null) as fact_has_all
    from latest_loads
)

select
    loaded_at,
    validated_at,
    latest_valid_at,
    cleansed_at,
    fact_at,
    validated_all and cleansed_all and fact_has_all as caught_up
from compared
