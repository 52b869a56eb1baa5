{#- The as-of date of the analysis window: the session's podcast_as_of
    (podcast report --as-of), else the var as_of, else the date of the latest
    event in `fact`. One rule for q1 and the report's analysis_as_of. -#}
{% macro as_of_date(fact) -%}
    coalesce(
        {{ session_as_of() }},
        {% if date_var('as_of') %}cast({{ sql_quote(date_var('as_of')) }} as date){% else %}cast(null as date){% endif %},
        (select cast(max(timestamp) as date) from {{ fact }})
    )
{%- endmacro %}

{#- The q1 as-of date set for one session (`podcast report --as-of`), or null. -#}
{% macro session_as_of() -%}
    {{ return(adapter.dispatch('session_as_of', 'podcast')()) }}
{%- endmacro %}

{% macro default__session_as_of() -%}
    cast(null as date)
{%- endmacro %}

{% macro duckdb__session_as_of() -%}
    cast(getvariable('podcast_as_of') as date)
{%- endmacro %}
