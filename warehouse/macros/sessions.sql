{#- The gap that ends a session, in minutes (var session_gap_minutes, default
    30): a positive integer, refused otherwise before any SQL runs. -#}
{% macro session_gap_minutes() -%}
    {%- set gap = var('session_gap_minutes', 30) -%}
    {%- set text = gap | string -%}
    {%- if gap is boolean or not text.isdigit() or text | int < 1 -%}
        {{ exceptions.raise_compiler_error("var session_gap_minutes must be a positive integer (minutes), got " ~ text) }}
    {%- endif -%}
    {{ return(text | int) }}
{%- endmacro %}
