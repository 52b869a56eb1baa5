{#- Incremental by load_at: the raw rows of runs not validated yet. A full
    refresh recomputes validation_errors for every raw row (docs/design.md).
    The rules of docs/data-contract.md are the columns of `checked`, one per
    code, holding the code when the row breaks the rule; validation_errors
    gathers them in the documented order (var validation_codes). -#}
{%- set now = timestamp_var('now', run_started_at.strftime('%Y-%m-%d %H:%M:%S')) -%}
{%- set event_types = var('event_types') -%}
{%- set with_duration = var('event_types_with_duration') -%}
{%- set without_duration = event_types | reject('in', with_duration) | list -%}

with raw_events as (
    select * from {{ ref('raw_events') }}
    {%- if is_incremental() %}
    where {{ loaded_after_this() }}
    {%- endif %}
),

{# Distinct, so that the left joins below keep one row per raw row. -#}
users as (
    select distinct user_id from {{ ref('users') }}
),

episodes as (
    select distinct episode_id from {{ ref('episodes') }}
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

{# The reference checks as left joins (known_* is null for an unknown id):
    Snowflake documents IN subqueries in WHERE only, not in a select list.
    The ids compare in byte order whatever the account's collation. -#}
referenced as (
    select
        parsed.*,
        users.user_id as known_user_id,
        episodes.episode_id as known_episode_id
    from parsed
    left join users
        on {{ in_byte_order('parsed.clean_user_id') }} = {{ in_byte_order('users.user_id') }}
    left join episodes
        on {{ in_byte_order('parsed.clean_episode_id') }} = {{ in_byte_order('episodes.episode_id') }}
),

{# Duration rules apply only to a valid event type, reference checks only
    to a present, non-blank id. -#}
checked as (
    select
        *,
        case when user_id is null then 'user_id_missing' end as user_id_missing,
        case when clean_user_id = '' then 'user_id_blank' end as user_id_blank,
        case when episode_id is null then 'episode_id_missing' end as episode_id_missing,
        case when clean_episode_id = '' then 'episode_id_blank' end as episode_id_blank,
        case when event_type is null then 'event_type_missing' end as event_type_missing,
        case
            when clean_event_type not in ({{ sql_string_list(event_types) }}) then 'event_type_invalid'
        end as event_type_invalid,
        case when timestamp is null then 'timestamp_missing' end as timestamp_missing,
        case
            when timestamp is not null and timestamp_utc is null then 'timestamp_malformed'
        end as timestamp_malformed,
        case
            when
                timestamp_utc < cast('2000-01-01' as {{ timestamp_type() }})
                or timestamp_utc > cast({{ sql_quote(now) }} as {{ timestamp_type() }})
                then 'timestamp_out_of_range'
        end as timestamp_out_of_range,
        case
            when clean_event_type in ({{ sql_string_list(with_duration) }}) and duration is null
                then 'duration_missing'
        end as duration_missing,
        case
            when
                clean_event_type in ({{ sql_string_list(with_duration) }})
                and duration is not null
                and duration_seconds is null
                then 'duration_invalid'
        end as duration_invalid,
        case
            when clean_event_type in ({{ sql_string_list(without_duration) }}) and duration is not null
                then 'duration_unexpected'
        end as duration_unexpected,
        case when clean_user_id <> '' and known_user_id is null then 'unknown_user_id' end as unknown_user_id,
        case
            when clean_episode_id <> '' and known_episode_id is null then 'unknown_episode_id'
        end as unknown_episode_id
    from referenced
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
    {{ gather_validation_errors() }} as validation_errors
from checked
