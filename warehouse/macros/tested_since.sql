{#- The load_at of the last run whose data tests all passed, when `podcast
    run` passes it (PODCAST_TESTED_SINCE) and this is not a full refresh;
    none otherwise (every row is tested). Rows are never changed in place:
    a row written since then has a later load_at. The uniqueness tests and
    the row-count test of raw_events read it; the per-row tests filter on
    the same variable in their `where` (the models' YAML). -#}
{% macro tested_since() -%}
    {%- set since = env_var('PODCAST_TESTED_SINCE', '') -%}
    {{ return(none if flags.FULL_REFRESH or since == '' else since) }}
{%- endmacro %}
