{#- The vars the models read, each checked where it is read. `podcast run`
    checks every --var before dbt starts (tool/src/settings.cpp, the one list
    of vars); these checks stop a hand-run `dbt build --vars` the same way, and
    every value reaches SQL through sql_quote only. A YAML date or timestamp
    (`--vars '{as_of: 2024-08-10}'`) is taken as its text. -#}

{% macro is_calendar_date(text) -%}
    {%- if text is not string or not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set year = text[0:4] | int -%}
    {%- set month = text[5:7] | int -%}
    {%- set day = text[8:10] | int -%}
    {%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
    {%- set days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {{ return(month >= 1 and month <= 12 and day >= 1 and day <= days[month - 1]) }}
{%- endmacro %}

{#- YYYY-MM-DD HH:MM:SS, optionally with 1 to 6 fractional digits. -#}
{% macro is_timestamp(text) -%}
    {%- if text is not string
        or not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,6})?', text)
        or not is_calendar_date(text[0:10]) -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return((text[11:13] | int) <= 23 and (text[14:16] | int) <= 59 and (text[17:19] | int) <= 59) }}
{%- endmacro %}

{% macro refuse_var(name, expected, value) -%}
    {{ exceptions.raise_compiler_error("var " ~ name ~ ": expected " ~ expected ~ ", got " ~ (value | string | tojson)) }}
{%- endmacro %}

{#- The var as a date YYYY-MM-DD, or none when it is not set. -#}
{% macro date_var(name) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none or value == '' -%}{{ return(none) }}{%- endif -%}
    {%- if value is not string and value.strftime is defined -%}
        {%- set value = value.strftime('%Y-%m-%d') -%}
    {%- endif -%}
    {%- if not is_calendar_date(value) -%}{{ refuse_var(name, 'a date YYYY-MM-DD', value) }}{%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- The var as a timestamp YYYY-MM-DD HH:MM:SS[.ffffff], or `default` when it is not set. -#}
{% macro timestamp_var(name, default=none) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none or value == '' -%}{{ return(default) }}{%- endif -%}
    {%- if value is not string and value.strftime is defined -%}
        {%- set value = value.strftime('%Y-%m-%d %H:%M:%S') -%}
    {%- endif -%}
    {%- if not is_timestamp(value) -%}{{ refuse_var(name, 'a timestamp YYYY-MM-DD HH:MM:SS', value) }}{%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- An environment variable `podcast run` sets for one run, or `default`;
    read only when the SQL runs, never while dbt parses. dbt records every
    variable a file reads at parse time and parses the file again when its
    value changes: a new value each run would re-parse those files every run
    (docs/performance.md). Nothing read here may decide a node's config,
    refs or sources. -#}
{% macro run_env_var(name, default='') -%}
    {{ return(env_var(name, default) if execute else default) }}
{%- endmacro %}

{#- This run's load_at (UTC): the var load_at, else PODCAST_LOAD_AT (set by `podcast run`;
    an environment variable, read only when the SQL runs, keeps dbt's partial parsing
    valid), else dbt's start time. -#}
{% macro load_at() -%}
    {%- set value = timestamp_var('load_at') or run_env_var('PODCAST_LOAD_AT') or run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') -%}
    {%- if not is_timestamp(value) -%}{{ refuse_var('load_at', 'a timestamp YYYY-MM-DD HH:MM:SS', value) }}{%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- listen_event_types: a non-empty list of distinct event types. -#}
{% macro listen_event_types() -%}
    {%- set types = var('listen_event_types') -%}
    {%- set expected = 'a non-empty list of distinct event types from ' ~ var('event_types') | join(', ') -%}
    {%- if types is string or types is not iterable or types is mapping or types | length == 0 -%}
        {{ refuse_var('listen_event_types', expected, types) }}
    {%- endif -%}
    {%- for type in types -%}
        {%- if type not in var('event_types') or type in types[:loop.index0] -%}
            {{ refuse_var('listen_event_types', expected, types) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(types | list) }}
{%- endmacro %}

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

{#- The days of events retention keeps (var retention_days): a positive
    integer, or none when it is not set (keep everything). Refused otherwise
    before any SQL runs, as `podcast run` refuses it (macros/retention/). -#}
{% macro retention_days() -%}
    {%- set days = var('retention_days', none) -%}
    {%- if days is none or days == '' -%}{{ return(none) }}{%- endif -%}
    {%- set text = days | string -%}
    {%- if days is boolean or not modules.re.fullmatch('[1-9][0-9]{0,9}', text) or text | int > 2147483647 -%}
        {{ refuse_var('retention_days', 'a positive integer', days) }}
    {%- endif -%}
    {{ return(text | int) }}
{%- endmacro %}
