{#- One row per table a run fills, in pipeline order, with its row count:
    "Rows per layer" in `podcast status` and `podcast run`. -#}
with row_counts as (
    select
        1 as pipeline_order,
        'bronze' as layer,
        'bronze.raw_events' as table_name,
        count(*) as row_count
    from {{ ref('raw_events') }}
    union all
    select
        2 as pipeline_order,
        'bronze' as layer,
        'bronze.raw_events_validated' as table_name,
        count(*) as row_count
    from {{ ref('raw_events_validated') }}
    union all
    select
        3 as pipeline_order,
        'silver' as layer,
        'silver.cleansed_events' as table_name,
        count(*) as row_count
    from {{ ref('cleansed_events') }}
    union all
    select
        4 as pipeline_order,
        'gold' as layer,
        'gold.fact_user_interactions' as table_name,
        count(*) as row_count
    from {{ ref('fact_user_interactions') }}
)

select
    pipeline_order,
    layer,
    table_name,
    row_count
from row_counts
