{#- interaction_id (docs/data-contract.md): the first 31 hex digits of
    md5(user_id || '|' || episode_id || '|' || event_type || '|' || timestamp
    as YYYY-MM-DDTHH:MM:SS), read as a base-16 integer. In two steps, so that
    the digest is computed once per row and its digits read from a column. -#}
{% macro interaction_key_md5(user_id, episode_id, event_type, event_timestamp) -%}
    md5({{ user_id }} || '|' || {{ episode_id }} || '|' || cast({{ event_type }} as varchar) || '|' || {{ format_timestamp_iso(event_timestamp) }})
{%- endmacro %}

{% macro interaction_id(key_md5) -%}
    {{ hex31_to_integer(key_md5) }}
{%- endmacro %}
