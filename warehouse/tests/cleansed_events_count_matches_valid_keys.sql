{#- The design: cleansed_events' row count matches the valid validated rows,
    read as the number of distinct business keys among them (docs/design.md).
    With retention, each key is in cleansed_events or in its archive, once:
    so the two together are counted. A full refresh checks the whole
    history; an incremental run checks the keys of its own load (each must
    be in silver or the archive exactly once, the archive read for their
    months only, and only rows between the load's first and last event
    time joined to its keys: a row with one of its keys has that key's
    time), so that the test's cost follows the new data. -#}
{#- An incremental run's rows: the latest load's, in the months query and the test alike. -#}
{%- set latest_load -%}
    load_at = (select max(latest.load_at) from {{ ref('raw_events_validated') }} as latest)
{%- endset -%}
{%- set months = none -%}
{%- set first_at = none -%}
{%- set last_at = none -%}
{#- Only when the test runs: `dbt compile` and `docs generate` may find no table yet. -#}
{%- if execute and flags.WHICH in ['build', 'test'] and not flags.FULL_REFRESH -%}
    {%- set months_query -%}
        select
            month,
            min(first_at) over () as load_first_at,
            max(last_at) over () as load_last_at
        from (
            select
                {{ month_text('event_timestamp') }} as month,
                min(event_timestamp) as first_at,
                max(event_timestamp) as last_at
            from (
                select {{ parse_valid_timestamp('timestamp') }} as event_timestamp
                from {{ ref('raw_events_validated') }}
                where {{ list_is_empty('validation_errors') }} and {{ latest_load }}
            ) as latest_valid
            group by 1
        ) as per_month
    {%- endset -%}
    {%- set load_months = run_query(months_query) -%}
    {%- set months = load_months.columns[0].values() | list -%}
    {%- if load_months.rows | length > 0 -%}
        {%- set first_at = load_months.rows[0][1] -%}
        {%- set last_at = load_months.rows[0][2] -%}
    {%- endif -%}
{%- endif %}

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
            and {{ latest_load }}
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

kept_and_archived as (
    select
        user_id,
        episode_id,
        cast(event_type as varchar) as event_type,
        timestamp
    from {{ ref('cleansed_events') }}
    union all
    select
        user_id,
        episode_id,
        cast(event_type as varchar) as event_type,
        timestamp
    from {{ archived_rows(ref('cleansed_events'), months) }} as archived
),

-- noqa: disable=LT02
cleansed as (
    select count(*) as row_count
    from
        kept_and_archived
        {%- if not flags.FULL_REFRESH %}
        inner join valid_keys
            on
                kept_and_archived.user_id = valid_keys.user_id
                and kept_and_archived.episode_id = valid_keys.episode_id
                and kept_and_archived.event_type = valid_keys.event_type
                and kept_and_archived.timestamp = valid_keys.event_timestamp
        {%- if first_at is not none %}
    where
        kept_and_archived.timestamp
        between cast({{ sql_quote(first_at.strftime('%Y-%m-%d %H:%M:%S.%f')) }} as {{ timestamp_type() }})
        and cast({{ sql_quote(last_at.strftime('%Y-%m-%d %H:%M:%S.%f')) }} as {{ timestamp_type() }})
        {%- endif %}
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
