with fact as (
    select * from {{ ref('fact_user_interactions') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

episodes as (
    select * from {{ ref('dim_episodes') }}
),

completions as (
    select
        users.country,
        cast(fact.duration as double) / episodes.duration_seconds as listen_through_rate
    from fact
    inner join users on fact.user_id = users.user_id
    inner join episodes on fact.episode_id = episodes.episode_id
    where fact.event_type = 'complete'
)

select
    country,
    avg(listen_through_rate) as avg_listen_through_rate,
    count(*) as completions
from completions
group by country
order by country
