{#- One row per user with sessions: how many, and their average length
    (session_end - session_start, in seconds; a one-event session lasts 0).
    noqa: dbt-duckdb's datediff renders a long line with a space before its
    closing bracket. -#}
with sessions as (
    select * from {{ ref('user_sessions') }}
),

durations as (
    select
        user_id,
        {{ dbt.datediff('session_start', 'session_end', 'second') }} as duration_seconds,  -- noqa: LT01,LT05
        listened_seconds
    from sessions
)

select
    user_id,
    count(*) as sessions,
    cast(avg(duration_seconds) as double) as avg_session_duration_seconds,
    cast(avg(listened_seconds) as double) as avg_listened_seconds
from durations
group by user_id
