with fact as (
    select * from {{ ref('fact_user_interactions') }}
),

daily_listens as (
    select distinct
        user_id,
        episode_id,
        cast(timestamp as date) as listen_date
    from fact
    where cast(event_type as varchar) in ({{ sql_string_list(listen_event_types()) }})
),

multi_episode_days as (
    select
        user_id,
        listen_date
    from daily_listens
    group by user_id, listen_date
    having count(*) >= 3
)

select count(distinct user_id) as users
from multi_episode_days
