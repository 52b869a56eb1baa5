{#- The gap that ends a session, in minutes (var session_gap_minutes, default
    30): a positive integer, refused otherwise before any SQL runs (as
    `podcast run` refuses it, tool/src/settings.cpp). -#}
{% macro session_gap_minutes() -%}
    {%- set gap = var('session_gap_minutes', 30) -%}
    {%- set text = gap | string -%}
    {%- if gap is boolean or not modules.re.fullmatch('[1-9][0-9]{0,9}', text) or text | int > 2147483647 -%}
        {{ refuse_var('session_gap_minutes', 'a positive integer', gap) }}
    {%- endif -%}
    {{ return(text | int) }}
{%- endmacro %}
