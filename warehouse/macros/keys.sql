{% macro interaction_id(user_id, episode_id, event_type, event_timestamp) -%}
    {{ hex15_to_bigint(
        "md5(" ~ user_id ~ " || '|' || " ~ episode_id ~ " || '|' || cast(" ~ event_type
        ~ " as varchar) || '|' || " ~ format_timestamp_iso(event_timestamp) ~ ")"
    ) }}
{%- endmacro %}
