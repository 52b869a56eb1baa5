{#- The 10 most completed episodes in the 7 UTC days ending on the as-of date.
    As-of: the session's podcast_as_of (podcast report --as-of), else the var
    as_of, else the date of the latest event. -#}
with fact as (
    select * from {{ ref('fact_user_interactions') }}
),

episodes as (
    select * from {{ ref('dim_episodes') }}
),

{# From the table, not the CTE fact: DuckDB materialises a CTE read twice,
    here every fact row, which took most of the view's time. #}
as_of as (
    select {{ as_of_date(ref('fact_user_interactions')) }} as as_of_date
),

window_bounds as (
    select
        cast({{ dbt.dateadd('day', -6, 'as_of_date') }} as {{ timestamp_type() }}) as window_start,
        cast({{ dbt.dateadd('day', 1, 'as_of_date') }} as {{ timestamp_type() }}) as window_end
    from as_of
),

completions_per_episode as (
    select
        fact.episode_id,
        count(*) as completions
    from fact
    cross join window_bounds
    where
        fact.event_type = 'complete'
        and fact.timestamp >= window_bounds.window_start
        and fact.timestamp < window_bounds.window_end
    group by fact.episode_id
),

ranked as (
    select
        episode_id,
        completions,
        row_number() over (order by completions desc, episode_id asc) as rank
    from completions_per_episode
)

select
    ranked.rank,
    ranked.episode_id,
    episodes.podcast_id,
    episodes.title,
    ranked.completions
from ranked
inner join episodes on ranked.episode_id = episodes.episode_id
where ranked.rank <= 10
order by ranked.rank
