{#- Retention: with var retention_days, silver.cleansed_events and
    gold.fact_user_interactions hold no event older than the window's first
    day (their older events are in the archive). Passes without it. -#}
{%- set cutoff = retention_cutoff() %}

with retained as (
    select
        'silver.cleansed_events' as table_name,
        timestamp
    from {{ ref('cleansed_events') }}
    union all
    select
        'gold.fact_user_interactions' as table_name,
        timestamp
    from {{ ref('fact_user_interactions') }}
)

select
    table_name,
    count(*) as rows_before_window
from retained
where
    {%- if cutoff %}
        timestamp < cast({{ sql_quote(cutoff) }} as date)
    {%- else %}
        false
    {%- endif %}
group by table_name
