{#- One row per listening session: a user's events in time order, a new
    session starting when more than session_gap_minutes (default 30) pass
    after the user's previous event. A late event can join two sessions, so
    an old session is never final: on DuckDB an incremental run rebuilds,
    per user with fact rows loaded since the last successful run with the
    same inputs, every session from the first one such a row can touch
    (macros/analytics/sessions.sql); without that run (other inputs, dbt by
    hand) every session; on Snowflake, and with retention, a table rebuilt in
    full. -#}
{{ config(
    materialized=user_sessions_materialization(),
    incremental_strategy='replace_sessions_from'
) }}
{%- set since = tested_since() if is_incremental() else none %}

with fact as (
    select
        user_id,
        episode_id,
        timestamp,
        duration,
        load_at
    from {{ ref('fact_user_interactions') }}
),
{% if since is not none %}
{#- Per user, the earliest timestamp of a fact row written since. From the
    table, not the CTE fact: DuckDB materialises a CTE read twice, here the
    whole fact (0.5 s of a day's run at 10M events); read once, it is
    inlined and the join below reads only the columns it needs. #}
changed as (
    select
        user_id,
        min(timestamp) as changed_from
    from {{ ref('fact_user_interactions') }}
    where load_at > cast({{ sql_quote(since) }} as {{ timestamp_type() }})
    group by user_id
),

{#- The start of the user's first stored session that a changed row can
    touch (one that ends within the gap before it, or later), else the
    changed row itself. #}
replaced as (
    select
        changed.user_id,
        least(changed.changed_from, coalesce(min(sessions.session_start), changed.changed_from)) as replaced_from
    from changed
    left join {{ this }} as sessions
        on
            changed.user_id = sessions.user_id
            and sessions.session_end
            >= {{ dbt.dateadd('minute', -session_gap_minutes(), 'changed.changed_from') }}
    group by changed.user_id, changed.changed_from
),
{% endif %}
events as (
    select
        fact.user_id,
        fact.episode_id,
        fact.timestamp,
        fact.duration
    from fact
    {%- if since is not none %}
        inner join replaced
            on
                fact.user_id = replaced.user_id
                and fact.timestamp >= replaced.replaced_from
    {%- endif %}
),

{# Ordered by time alone: of the events sharing a timestamp, one follows the
    previous time (and may start a session) and the others follow it at no
    gap, in whatever order; the running count of starts takes every event of
    the same timestamp at once (a range frame), so they share one session.
    No tie-break is needed, and the sort over 50M events fits
    memory_limit 4GB (with the fact's interaction_id as a tie-break it did
    not; docs/performance.md). #}
with_previous as (
    select
        *,
        lag(timestamp) over (partition by user_id order by timestamp) as previous_timestamp
    from events
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
            partition by user_id order by timestamp
            range between unbounded preceding and current row
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
