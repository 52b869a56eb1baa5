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

{# Most keys occur once. A row whose key's hash no other row has is the
    only row of its key and is kept as it is; only the rows that share a hash
    (a key's duplicates, and the rare collision) are ranked. The survivors
    are those of ranking every row: ranking only the few that share a hash
    costs a third less at 10M events, and its memory follows the duplicates,
    not the history (ranking all 50M events overran memory_limit 4GB;
    docs/performance.md). #}
keyed as (
    select
        *,
        hash(user_id, episode_id, event_type, timestamp) as key_hash
    from normalised
),

shared_hashes as (
    select key_hash
    from keyed
    group by key_hash
    having count(*) > 1
),

flagged as (
    select
        keyed.*,
        shared_hashes.key_hash is not null as key_hash_shared
    from keyed
    left join shared_hashes on keyed.key_hash = shared_hashes.key_hash
),

deduplicated as (
    select * from flagged
    where not key_hash_shared
    union all
    select * from flagged
    where key_hash_shared
    qualify row_number() over (
        partition by user_id, episode_id, event_type, timestamp
        order by load_at desc, {{ in_byte_order('filename') }} desc, line_number desc
    ) = 1
)

select
    event_type,
    user_id,
    episode_id,
    timestamp,
    duration,
    load_at,
    filename,
    line_number
from deduplicated
