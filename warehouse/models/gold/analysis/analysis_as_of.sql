{#- One row: the as-of date q1 uses and its 7-day window (as_of_date(), the
    same rule), for the report to state. Null when there is no event. -#}
with fact as (
    select * from {{ ref('fact_user_interactions') }}
),

{# From the table, not the CTE fact: DuckDB materialises a CTE read twice,
    here every fact row, which took most of the view's time. #}
as_of as (
    select {{ as_of_date(ref('fact_user_interactions')) }} as as_of_date
),

data_span as (
    select
        min(timestamp) as first_event_at,
        max(timestamp) as last_event_at
    from fact
)

select
    as_of.as_of_date,
    cast({{ dbt.dateadd('day', -6, 'as_of.as_of_date') }} as date) as window_start_date,
    as_of.as_of_date as window_end_date,
    data_span.first_event_at,
    data_span.last_event_at
from as_of
cross join data_span
