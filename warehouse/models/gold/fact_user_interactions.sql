{#- Incremental by load_at, merged on interaction_id: a cleansed row that was
    replaced by a later duplicate comes back with the later load_at and
    replaces its fact row. With var retention_days, only the window stays;
    the post-hook archives the rest, and the rows cleansed_events archived
    before this model took them in come from its archive
    (macros/retention/post_hook.sql). -#}
{{ config(
    unique_key=['interaction_id'],
    post_hook=["{{ archive_outside_window(['interaction_id'], {'event_type': 'varchar', 'interaction_id': 'decimal(38, 0)'}, upstream=ref('cleansed_events')) }}"],
    incremental_strategy=merged_by_day_strategy(),
    tmp_relation_type=merged_by_day_tmp_relation_type(),
    cluster_by=merged_by_day_cluster_by()
) }}

with cleansed_events as (
    select * from {{ ref('cleansed_events') }}
    {%- if is_incremental() %}
    where {{ loaded_after_taken_in() }}
    {%- endif %}
),

archived_cleansed_events as (
    {{ archived_not_taken_in(ref('cleansed_events')) }}
),

taken_in as (
    select * from cleansed_events
    union all
    select * from archived_cleansed_events
),

hashed as (
    select
        *,
        {{ interaction_key_md5('user_id', 'episode_id', 'event_type', 'timestamp') }} as key_md5
    from taken_in
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
