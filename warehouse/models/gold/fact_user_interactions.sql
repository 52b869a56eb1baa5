{#- Incremental by load_at, merged on interaction_id: a cleansed row that was
    replaced by a later duplicate comes back with the later load_at and
    replaces its fact row. -#}
{{ config(
    unique_key=['interaction_id'],
    incremental_strategy=merged_by_day_strategy(),
    tmp_relation_type=merged_by_day_tmp_relation_type(),
    cluster_by=merged_by_day_cluster_by()
) }}

with cleansed_events as (
    select * from {{ ref('cleansed_events') }}
    {%- if is_incremental() %}
    where {{ loaded_after_this() }}
    {%- endif %}
),

hashed as (
    select
        *,
        {{ interaction_key_md5('user_id', 'episode_id', 'event_type', 'timestamp') }} as key_md5
    from cleansed_events
),

keyed as (
    select
        {{ interaction_id('key_md5') }} as interaction_id,
        user_id,
        episode_id,
        event_type,
        timestamp,
        duration,
        load_at
    from hashed
)

select * from keyed
