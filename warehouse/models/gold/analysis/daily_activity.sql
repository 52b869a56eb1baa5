{#- One row per UTC day with events in the fact table: its events, active
    users and completions, and the invalid share of the raw lines dated that
    day (by the date their timestamp text starts with; lines without one are
    counted per file only, in invalid_share_per_file). -#}
with fact as (
    select * from {{ ref('fact_user_interactions') }}
),

validated as (
    select * from {{ ref('raw_events_validated') }}
),

events_per_day as (
    select
        cast(timestamp as date) as day,
        count(*) as events,
        count(distinct user_id) as active_users,
        count(case when event_type = 'complete' then 1 end) as completions
    from fact
    group by cast(timestamp as date)
),

lines_per_day as (
    select
        {{ try_to_date('left(timestamp, 10)') }} as day,
        count(*) as line_count,
        count(case when not {{ list_is_empty('validation_errors') }} then 1 end) as invalid_lines
    from validated
    group by {{ try_to_date('left(timestamp, 10)') }}
)

select
    events_per_day.day,
    events_per_day.events,
    events_per_day.active_users,
    events_per_day.completions,
    round(
        cast(coalesce(lines_per_day.invalid_lines, 0) as double) / coalesce(lines_per_day.line_count, 1), 4
    ) as invalid_share
from events_per_day
left join lines_per_day on events_per_day.day = lines_per_day.day
