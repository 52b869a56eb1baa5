{#- Where DuckDB and Snowflake differ: one macro each, dispatched by adapter. -#}

{% macro regex_full_match(column, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'podcast')(column, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(column, pattern) -%}
    regexp_full_match({{ column }}, '{{ pattern }}')
{%- endmacro %}

{% macro snowflake__regex_full_match(column, pattern) -%}
    regexp_like({{ column }}, '{{ pattern }}')
{%- endmacro %}

{% macro try_to_integer(expression) -%}
    {{ return(adapter.dispatch('try_to_integer', 'podcast')(expression)) }}
{%- endmacro %}

{% macro default__try_to_integer(expression) -%}
    try_cast({{ expression }} as integer)
{%- endmacro %}

{% macro snowflake__try_to_integer(expression) -%}
    try_to_number({{ expression }})
{%- endmacro %}

{% macro try_to_bigint(expression) -%}
    {{ return(adapter.dispatch('try_to_bigint', 'podcast')(expression)) }}
{%- endmacro %}

{% macro default__try_to_bigint(expression) -%}
    try_cast({{ expression }} as bigint)
{%- endmacro %}

{% macro snowflake__try_to_bigint(expression) -%}
    try_to_number({{ expression }}, 38, 0)
{%- endmacro %}

{#- A local timestamp YYYY-MM-DDTHH:MM:SS, or null when it is not a real
    calendar date and time. -#}
{% macro try_parse_local_timestamp(expression) -%}
    {{ return(adapter.dispatch('try_parse_local_timestamp', 'podcast')(expression)) }}
{%- endmacro %}

{% macro default__try_parse_local_timestamp(expression) -%}
    try_strptime({{ expression }}, '%Y-%m-%dT%H:%M:%S')
{%- endmacro %}

{#- Parsed, and formatted back to the same text: so no lenient reading of the
    format (an hour 24, a day 30 of February) can pass. -#}
{% macro snowflake__try_parse_local_timestamp(expression) -%}
    iff(
        to_varchar(try_to_timestamp_ntz({{ expression }}, 'YYYY-MM-DD"T"HH24:MI:SS'), 'YYYY-MM-DD"T"HH24:MI:SS') = {{ expression }},
        try_to_timestamp_ntz({{ expression }}, 'YYYY-MM-DD"T"HH24:MI:SS'),
        null
    )
{%- endmacro %}

{#- The event_type column type: an ENUM on DuckDB, text elsewhere. -#}
{% macro as_event_type(expression) -%}
    {{ return(adapter.dispatch('as_event_type', 'podcast')(expression)) }}
{%- endmacro %}

{% macro default__as_event_type(expression) -%}
    cast({{ expression }} as varchar)
{%- endmacro %}

{% macro duckdb__as_event_type(expression) -%}
    cast({{ expression }} as enum({{ sql_string_list(event_types()) }}))
{%- endmacro %}

{#- A list of error codes from expressions that are a code or null: the
    non-null ones, in order. -#}
{% macro error_list(expressions) -%}
    {{ return(adapter.dispatch('error_list', 'podcast')(expressions)) }}
{%- endmacro %}

{% macro default__error_list(expressions) -%}
    list_filter(
        cast([
            {%- for expression in expressions %}
            {{ expression }}{{ "," if not loop.last }}
            {%- endfor %}
        ] as varchar []),
        code -> code is not null
    )
{%- endmacro %}

{% macro snowflake__error_list(expressions) -%}
    array_compact(array_construct(
        {%- for expression in expressions %}
        {{ expression }}{{ "," if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}

{% macro list_is_empty(column) -%}
    {{ return(adapter.dispatch('list_is_empty', 'podcast')(column)) }}
{%- endmacro %}

{% macro default__list_is_empty(column) -%}
    len({{ column }}) = 0
{%- endmacro %}

{% macro snowflake__list_is_empty(column) -%}
    array_size({{ column }}) = 0
{%- endmacro %}

{#- interaction_id: the first 15 hex digits of the md5 of the business key,
    read as a base-16 integer (below 2^60), identical on every target. -#}
{% macro hex15_to_bigint(expression) -%}
    {{ return(adapter.dispatch('hex15_to_bigint', 'podcast')(expression)) }}
{%- endmacro %}

{% macro default__hex15_to_bigint(expression) -%}
    cast('0x' || substr({{ expression }}, 1, 15) as bigint)
{%- endmacro %}

{#- Digit by digit (exact NUMBER(38, 0) arithmetic) rather than to_number(.., 'XXX..'),
    which the emulator cannot run: so the emulator test runs this very SQL. -#}
{% macro snowflake__hex15_to_bigint(expression) -%}
    cast(
        {%- for position in range(15) %}
        (position(substr({{ expression }}, {{ position + 1 }}, 1), '0123456789abcdef') - 1) * {{ 16 ** (14 - position) }}{{ " +" if not loop.last }}
        {%- endfor %}
    as bigint)
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
