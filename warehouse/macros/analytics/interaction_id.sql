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

{#- The timestamp as interaction_id hashes it: YYYY-MM-DDTHH:MM:SS. -#}
{% macro format_timestamp_iso(column) -%}
    {{ return(adapter.dispatch('format_timestamp_iso', 'podcast')(column)) }}
{%- endmacro %}

{% macro default__format_timestamp_iso(column) -%}
    strftime({{ column }}, '%Y-%m-%dT%H:%M:%S')
{%- endmacro %}

{#- The cast is a no-op on Snowflake (the column is a TIMESTAMP_NTZ); the
    emulator ignores the format of a column whose type it cannot see. -#}
{% macro snowflake__format_timestamp_iso(column) -%}
    to_varchar(cast({{ column }} as timestamp_ntz), 'YYYY-MM-DD"T"HH24:MI:SS')
{%- endmacro %}
