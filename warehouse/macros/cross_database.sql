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

{#- interaction_id: the first 31 hex digits (124 bits) of the md5 of the
    business key, read as a base-16 integer below 2^124: a HUGEINT on DuckDB,
    a NUMBER(38, 0) on Snowflake (2^124 < 10^38), identical on every target. -#}
{% macro hex31_to_integer(expression) -%}
    {{ return(adapter.dispatch('hex31_to_integer', 'podcast')(expression)) }}
{%- endmacro %}

{#- Two halves: DuckDB reads at most 16 hex digits (64 bits) into an integer,
    so the first 16 digits times 16^15 plus the next 15, in exact HUGEINT
    arithmetic. -#}
{% macro default__hex31_to_integer(expression) -%}
    cast(cast('0x' || substr({{ expression }}, 1, 16) as ubigint) as hugeint) * {{ 16 ** 15 }}
        + cast('0x' || substr({{ expression }}, 17, 15) as bigint)
{%- endmacro %}

{#- Digit by digit, exact decimal arithmetic: each digit's position in
    '0123456789abcdef' times 16^k (the largest term, 15 * 16^30, has 37 digits,
    the sum at most 38). It stands in for
    to_number(substr(md5, 1, 31), 'XXX..X' (31 X), 38, 0), which the emulator
    cannot run: so the emulator test runs this very sum. Two emulator gaps
    shape it: its engine multiplies integer literals below 2^63 as 64-bit
    BIGINTs (15 * 16^15 overflows), so each power of 16 is a NUMBER(37, 0);
    and it stores any NUMBER(38, 0) as a BIGINT, so with var
    snowflake_emulator the sum is left as its exact NUMBER(38, 0)-wide decimal
    rather than cast. Both casts are exact on Snowflake. -#}
{% macro snowflake__hex31_to_integer(expression) -%}
    {%- set digit_sum -%}
        {%- for position in range(31) %}
        (position(substr({{ expression }}, {{ position + 1 }}, 1), '0123456789abcdef') - 1) * cast({{ 16 ** (30 - position) }} as number(37, 0)){{ " +" if not loop.last }}
        {%- endfor %}
    {%- endset -%}
    {%- if snowflake_emulator() -%}
    ({{ digit_sum }}
    )
    {%- else -%}
    cast({{ digit_sum }}
    as number(38, 0))
    {%- endif -%}
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

{#- The type of every timestamp the SQL writes (UTC, no zone). On Snowflake
    TIMESTAMP_NTZ by name: a bare TIMESTAMP follows the session's
    TIMESTAMP_TYPE_MAPPING, which an account may set to LTZ or TZ. -#}
{% macro timestamp_type() -%}
    {{ return(adapter.dispatch('timestamp_type', 'podcast')()) }}
{%- endmacro %}

{% macro default__timestamp_type() -%}
    timestamp
{%- endmacro %}

{% macro snowflake__timestamp_type() -%}
    timestamp_ntz
{%- endmacro %}

{#- Text to compare or sort in byte order (UTF-8 bytes, that is code-point
    order): DuckDB's own order. On Snowflake a column may carry a collation
    (DEFAULT_DDL_COLLATION, say 'en-ci', makes 'U1' equal 'u1'); its UTF-8
    bytes as BINARY compare the same whatever the collation. -#}
{% macro in_byte_order(expression) -%}
    {{ return(adapter.dispatch('in_byte_order', 'podcast')(expression)) }}
{%- endmacro %}

{% macro default__in_byte_order(expression) -%}
    {{ expression }}
{%- endmacro %}

{% macro snowflake__in_byte_order(expression) -%}
    to_binary({{ expression }}, 'UTF-8')
{%- endmacro %}
