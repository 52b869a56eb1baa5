{#- One row per listening session: a user's events in time order, a new
    session starting when more than session_gap_minutes (default 30) pass
    after the user's previous event. Rebuilt in full on every run: a late
    event can join two sessions, so an old session is never final. -#}
{{ config(materialized='table') }}

with fact as (
    select
        interaction_id,
        user_id,
        episode_id,
        timestamp,
        duration
    from {{ ref('fact_user_interactions') }}
),

with_previous as (
    select
        *,
        lag(timestamp) over (partition by user_id order by timestamp, interaction_id) as previous_timestamp
    from fact
),

session_starts as (
    select
        *,
        case
            when previous_timestamp is null then 1
            when timestamp > {{ dbt.dateadd('minute', session_gap_minutes(), 'previous_timestamp') }} then 1
            else 0
        end as starts_session
    from with_previous
),

numbered as (
    select
        *,
        sum(starts_session) over (
            partition by user_id order by timestamp, interaction_id
            rows between unbounded preceding and current row
        ) as session_number
    from session_starts
)

select
    user_id,
    min(timestamp) as session_start,
    max(timestamp) as session_end,
    count(*) as events,
    count(distinct episode_id) as episodes,
    cast(coalesce(sum(duration), 0) as bigint) as listened_seconds
from numbered
group by user_id, session_number
