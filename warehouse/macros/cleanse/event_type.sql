{#- The event_type column type: an ENUM of var event_types on DuckDB, text
    elsewhere. -#}
{% macro as_event_type(expression) -%}
    {{ return(adapter.dispatch('as_event_type', 'podcast')(expression)) }}
{%- endmacro %}

{% macro default__as_event_type(expression) -%}
    cast({{ expression }} as varchar)
{%- endmacro %}

{% macro duckdb__as_event_type(expression) -%}
    cast({{ expression }} as enum({{ sql_string_list(var('event_types')) }}))
{%- endmacro %}
