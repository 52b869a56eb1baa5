{#- Design: cleansed_events' row count matches the valid validated rows, read
    (REQUIREMENTS.md) as the number of distinct business keys among them. -#}
with valid_keys as (
    select count(*) as row_count
    from (
        select distinct
            {{ clean_id('user_id') }},
            {{ clean_id('episode_id') }},
            {{ clean_event_type('event_type') }},
            {{ parse_timestamp('timestamp') }}
        from {{ ref('raw_events_validated') }}
        where {{ list_is_empty('validation_errors') }}
    ) as distinct_keys
),

cleansed as (
    select count(*) as row_count from {{ ref('cleansed_events') }}
)

select
    cleansed.row_count as cleansed_rows,
    valid_keys.row_count as distinct_valid_keys
from cleansed
cross join valid_keys
where cleansed.row_count <> valid_keys.row_count
