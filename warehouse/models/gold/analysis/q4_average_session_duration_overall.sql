{#- One row: q4 over all users (gold.q4_average_session_duration_per_user):
    users with sessions, their sessions, and the mean and median of their
    average session duration, and the mean of their average listened seconds. -#}
with per_user as (
    select * from {{ ref('q4_average_session_duration_per_user') }}
)

select
    count(*) as users,
    cast(coalesce(sum(sessions), 0) as bigint) as sessions,
    round(avg(avg_session_duration_seconds), 1) as mean_seconds,
    round(median(avg_session_duration_seconds), 1) as median_seconds,
    round(avg(avg_listened_seconds), 1) as mean_listened_seconds
from per_user
