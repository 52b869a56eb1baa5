{#- The design: cleansed_events' row count matches the valid validated rows,
    read as the number of distinct business keys among them (docs/design.md).
    A full refresh checks the whole history; an incremental run checks the
    keys of its own load (each must be in silver exactly once), so that the
    test's cost follows the new data. -#}
with valid_events as (
    select
        {{ clean_id('user_id') }} as user_id,
        {{ clean_id('episode_id') }} as episode_id,
        {{ clean_event_type('event_type') }} as event_type,
        {{ parse_valid_timestamp('timestamp') }} as event_timestamp
    from {{ ref('raw_events_validated') }}
    where
        {{ list_is_empty('validation_errors') }}
        {%- if not flags.FULL_REFRESH %}
            and load_at = (
                select max(latest.load_at) from {{ ref('raw_events_validated') }} as latest
            )
        {%- endif %}
),

valid_keys as (
    select distinct
        user_id,
        episode_id,
        event_type,
        event_timestamp
    from valid_events
),

-- noqa: disable=LT02
cleansed as (
    select count(*) as row_count
    from
        {{ ref('cleansed_events') }} as cleansed_events
        {%- if not flags.FULL_REFRESH %}
        inner join valid_keys
            on
                cleansed_events.user_id = valid_keys.user_id
                and cleansed_events.episode_id = valid_keys.episode_id
                and cast(cleansed_events.event_type as varchar) = valid_keys.event_type
                and cleansed_events.timestamp = valid_keys.event_timestamp
        {%- endif %}
),
-- noqa: enable=LT02

compared as (
    select
        cleansed.row_count as cleansed_rows,
        (select count(*) from valid_keys) as distinct_valid_keys
    from cleansed
)

select * from compared
where cleansed_rows <> distinct_valid_keys
