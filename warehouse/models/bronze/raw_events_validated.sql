{#- Incremental by load_at: the raw rows of runs not validated yet. A full
    refresh recomputes validation_errors for every raw row (design, Note 2). -#}
{%- set now = timestamp_var('now', run_started_at.strftime('%Y-%m-%d %H:%M:%S')) -%}

with raw_events as (
    select * from {{ ref('raw_events') }}
    {%- if is_incremental() %}
    where {{ loaded_after_this() }}
    {%- endif %}
),

users as (
    select user_id from {{ ref('users') }}
),

episodes as (
    select episode_id from {{ ref('episodes') }}
),

parsed as (
    select
        *,
        {{ clean_id('user_id') }} as clean_user_id,
        {{ clean_id('episode_id') }} as clean_episode_id,
        {{ clean_event_type('event_type') }} as clean_event_type,
        {{ parse_timestamp('timestamp') }} as timestamp_utc,
        {{ parse_duration('duration') }} as duration_seconds
    from raw_events
),

checked as (
    select
        parsed.*,
        {{ error_list([
            "case when user_id is null then 'user_id_missing' end",
            "case when clean_user_id = '' then 'user_id_blank' end",
            "case when episode_id is null then 'episode_id_missing' end",
            "case when clean_episode_id = '' then 'episode_id_blank' end",
            "case when event_type is null then 'event_type_missing' end",
            "case when clean_event_type not in (" ~ sql_string_list(event_types()) ~ ") then 'event_type_invalid' end",
            "case when timestamp is null then 'timestamp_missing' end",
            "case when timestamp is not null and timestamp_utc is null then 'timestamp_malformed' end",
            "case when timestamp_utc < cast('2000-01-01' as timestamp) or timestamp_utc > cast(" ~ sql_quote(now) ~ " as timestamp) then 'timestamp_out_of_range' end",
            "case when clean_event_type in (" ~ sql_string_list(event_types_with_duration()) ~ ") and duration is null then 'duration_missing' end",
            "case when clean_event_type in (" ~ sql_string_list(event_types_with_duration()) ~ ") and duration is not null and duration_seconds is null then 'duration_invalid' end",
            "case when clean_event_type in ('pause', 'seek') and duration is not null then 'duration_unexpected' end",
            "case when clean_user_id <> '' and clean_user_id not in (select user_id from users) then 'unknown_user_id' end",
            "case when clean_episode_id <> '' and clean_episode_id not in (select episode_id from episodes) then 'unknown_episode_id' end",
        ]) }} as validation_errors
    from parsed
)

select
    event_type,
    user_id,
    episode_id,
    timestamp,
    duration,
    filename,
    line_number,
    load_at,
    validation_errors
from checked
