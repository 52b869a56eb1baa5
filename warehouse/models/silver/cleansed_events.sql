{#- Incremental, merged on the business key. Every new batch has a later
    load_at than anything already here, so a new duplicate always replaces the
    stored one: the same survivors as a full rebuild (tests/cleansed_events_*).
    With var retention_days, only the window stays; the post-hook archives
    the rest (macros/retention/post_hook.sql). -#}
{{ config(
    unique_key=['user_id', 'episode_id', 'event_type', 'timestamp'],
    post_hook=["{{ archive_outside_window(['user_id', 'episode_id', 'event_type', 'timestamp'], {'event_type': 'varchar'}) }}"],
    incremental_strategy=merged_by_day_strategy(),
    tmp_relation_type=merged_by_day_tmp_relation_type(),
    cluster_by=merged_by_day_cluster_by()
) }}

with valid_events as (
    select * from {{ ref('raw_events_validated') }}
    where {{ list_is_empty('validation_errors') }}
    {%- if is_incremental() %}
        and {{ loaded_after_taken_in() }}
    {%- endif %}
),

normalised as (
    select
        {{ as_event_type(clean_event_type('event_type')) }} as event_type,
        {{ clean_id('user_id') }} as user_id,
        {{ clean_id('episode_id') }} as episode_id,
        {{ parse_valid_timestamp('timestamp') }} as timestamp,
        case
            when {{ clean_event_type('event_type') }} in ({{ sql_string_list(var('event_types_with_duration')) }})
                then {{ parse_valid_duration('duration') }}
        end as duration,
        load_at,
        filename,
        line_number
    from valid_events
),

deduplicated as (
    select * from normalised
    qualify row_number() over (
        partition by user_id, episode_id, event_type, timestamp
        order by load_at desc, {{ in_byte_order('filename') }} desc, line_number desc
    ) = 1
)

select * from deduplicated
