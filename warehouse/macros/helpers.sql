{#- Small helpers every step uses: quoting a value for SQL, the timestamp
    type, byte-order comparison, lists, and a step's time in the log. -#}

{#- A text as a SQL string literal, the one way a var's value (or a path)
    reaches SQL: single quotes doubled, and on Snowflake, which reads a
    backslash in a string literal as an escape, backslashes doubled too. -#}
{% macro sql_quote(text) -%}
    {{ return(adapter.dispatch('sql_quote', 'podcast')(text)) }}
{%- endmacro %}

{% macro default__sql_quote(text) -%}
    {{ return("'" ~ (text | string | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{% macro snowflake__sql_quote(text) -%}
    {{ return("'" ~ (text | string | replace("\\", "\\\\") | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{% macro sql_string_list(values) -%}
    {%- for value in values -%}
        {{ sql_quote(value) }}{{ ", " if not loop.last }}
    {%- endfor -%}
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

{% macro list_is_empty(column) -%}
    {{ return(adapter.dispatch('list_is_empty', 'podcast')(column)) }}
{%- endmacro %}

{% macro default__list_is_empty(column) -%}
    len({{ column }}) = 0
{%- endmacro %}

{% macro snowflake__list_is_empty(column) -%}
    array_size({{ column }}) = 0
{%- endmacro %}

{#- A text YYYY-MM-DD as a date, or null when it is not one. -#}
{% macro try_to_date(expression) -%}
    {{ return(adapter.dispatch('try_to_date', 'podcast')(expression)) }}
{%- endmacro %}

{% macro default__try_to_date(expression) -%}
    try_cast({{ expression }} as date)
{%- endmacro %}

{% macro snowflake__try_to_date(expression) -%}
    try_to_date({{ expression }}, 'YYYY-MM-DD')
{%- endmacro %}

{#- One row per element of a list column of `relation`: the element as
    text, named `element`, beside the given columns. -#}
{% macro list_elements(relation, list_column, element, columns) -%}
    {{ return(adapter.dispatch('list_elements', 'podcast')(relation, list_column, element, columns)) }}
{%- endmacro %}

{% macro default__list_elements(relation, list_column, element, columns) -%}
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        unnest({{ list_column }}) as {{ element }}
    from {{ relation }}
{%- endmacro %}

{% macro snowflake__list_elements(relation, list_column, element, columns) -%}
    select
        {%- for column in columns %}
        {{ relation }}.{{ column }},
        {%- endfor %}
        cast(elements.value as varchar) as {{ element }}
    from {{ relation }},
        lateral flatten(input => {{ relation }}.{{ list_column }}) as elements
{%- endmacro %}

{#- Logs "podcast step seconds: STEP=SECONDS" since started: the time of a
    step inside a node (the contract check runs while raw_events compiles,
    beside the read of the files), which `podcast run` reports apart. -#}
{% macro log_step_seconds(step, started) -%}
    {%- set seconds = (modules.datetime.datetime.now() - started).total_seconds() -%}
    {%- do log('podcast step seconds: ' ~ step ~ '=' ~ seconds, info=true) -%}
{%- endmacro %}

{#- Text forms the macros compare: 'YYYY-MM' of a timestamp (an archive
    month, macros/retention/), 'YYYY-MM-DD' of a date, and a timestamp as its
    target prints it (text order is time order within a target). -#}
{% macro month_text(expression) -%}
    {{ return(adapter.dispatch('month_text', 'podcast')(expression)) }}
{%- endmacro %}

{% macro default__month_text(expression) -%}
    strftime({{ expression }}, '%Y-%m')
{%- endmacro %}

{% macro snowflake__month_text(expression) -%}
    to_varchar(cast({{ expression }} as timestamp_ntz), 'YYYY-MM')
{%- endmacro %}

{% macro date_text(expression) -%}
    {{ return(adapter.dispatch('date_text', 'podcast')(expression)) }}
{%- endmacro %}

{% macro default__date_text(expression) -%}
    cast({{ expression }} as varchar)
{%- endmacro %}

{% macro snowflake__date_text(expression) -%}
    to_varchar(cast({{ expression }} as date), 'YYYY-MM-DD')
{%- endmacro %}

{% macro timestamp_text(expression) -%}
    {{ return(adapter.dispatch('timestamp_text', 'podcast')(expression)) }}
{%- endmacro %}

{% macro default__timestamp_text(expression) -%}
    cast({{ expression }} as varchar)
{%- endmacro %}

{% macro snowflake__timestamp_text(expression) -%}
    to_varchar(cast({{ expression }} as timestamp_ntz), 'YYYY-MM-DD HH24:MI:SS.FF6')
{%- endmacro %}
