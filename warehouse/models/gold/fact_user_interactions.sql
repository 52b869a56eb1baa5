{#- Incremental by load_at, merged on interaction_id: a cleansed row that was
    replaced by a later duplicate comes back with the later load_at and
    replaces its fact row. -#}
{{ config(unique_key=['interaction_id']) }}

with cleansed_events as (
    select * from {{ ref('cleansed_events') }}
    {%- if is_incremental() %}
    where {{ loaded_after_this() }}
    {%- endif %}
),

keyed as (
    select
        {{ interaction_id('user_id', 'episode_id', 'event_type', 'timestamp') }} as interaction_id,
        user_id,
        episode_id,
        event_type,
        timestamp,
        duration,
        load_at
    from cleansed_events
)

select * from keyed
