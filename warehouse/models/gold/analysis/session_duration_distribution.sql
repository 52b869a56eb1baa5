{#- One row per duration band with sessions (gold.user_sessions), in band
    order: how many sessions last that long (session_end - session_start).
    noqa: dbt-duckdb's datediff renders a long line with a space before its
    closing bracket. -#}
with durations as (
    select {{ dbt.datediff('session_start', 'session_end', 'second') }} as duration_seconds  -- noqa: LT01,LT05
    from {{ ref('user_sessions') }}
),

banded as (
    select
        case
            when duration_seconds < 60 then 1
            when duration_seconds < 300 then 2
            when duration_seconds < 900 then 3
            when duration_seconds < 1800 then 4
            when duration_seconds < 3600 then 5
            when duration_seconds < 7200 then 6
            else 7
        end as band
    from durations
),

counted as (
    select
        band,
        count(*) as sessions
    from banded
    group by band
)

select
    band,
    case band
        when 1 then '0-1 min'
        when 2 then '1-5 min'
        when 3 then '5-15 min'
        when 4 then '15-30 min'
        when 5 then '30-60 min'
        when 6 then '1-2 h'
        else '2 h or more'
    end as bucket,
    sessions
from counted
