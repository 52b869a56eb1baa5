{#- The load_at of the last run whose data tests all passed, when `podcast
    run` passes it (PODCAST_TESTED_SINCE) and this is not a full refresh;
    none otherwise (every row is tested). Rows are never changed in place:
    a row written since then has a later load_at. -#}
{% macro tested_since() -%}
    {%- set since = env_var('PODCAST_TESTED_SINCE', '') -%}
    {{ return(none if flags.FULL_REFRESH or since == '' else since) }}
{%- endmacro %}

{#- dbt wraps a generic test's model in a subquery filtered by the test's
    `where` config (dbt's get_where_subquery, which this overrides; a `where`
    cannot call project macros itself). A `where` holding the placeholder
    __tested_since__ (e.g. "load_at > __tested_since__") filters only when
    tested_since() has a value, which replaces the placeholder: the per-row
    tests then read the rows written since the last tested run. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where and '__tested_since__' in where -%}
        {%- set since = tested_since() -%}
        {%- set where = where | replace('__tested_since__', 'cast(' ~ sql_quote(since) ~ ' as ' ~ timestamp_type() ~ ')') if since else none -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) as dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}
