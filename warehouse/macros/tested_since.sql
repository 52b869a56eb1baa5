{#- The load_at of the last run whose data tests all passed, when `podcast
    run` passes it (PODCAST_TESTED_SINCE) and this is not a full refresh;
    none otherwise (every row is tested). Rows are never changed in place:
    a row written since then has a later load_at. The uniqueness tests and
    the row-count test of raw_events read it; the per-row tests say
    `where: __loaded_since_tested__` in the models' YAML (below). -#}
{% macro tested_since() -%}
    {%- set since = run_env_var('PODCAST_TESTED_SINCE') -%}
    {%- if flags.FULL_REFRESH or since == '' -%}{{ return(none) }}{%- endif -%}
    {%- if not is_timestamp(since) -%}
        {{ exceptions.raise_compiler_error('PODCAST_TESTED_SINCE must be a timestamp YYYY-MM-DD HH:MM:SS[.ffffff], not ' ~ since) }}
    {%- endif -%}
    {{ return(since) }}
{%- endmacro %}

{#- The `where` of a data test that checks only the rows loaded since the
    last tested run: the marker, replaced when the test runs (below). A
    `where` rendered from the environment in the YAML would be read while
    dbt parses, and every run's new value would make dbt parse those files
    again (docs/performance.md). -#}
{% macro loaded_since_tested_marker() -%}
    __loaded_since_tested__
{%- endmacro %}

{#- dbt's own (dbt/include/global_project), but a `where` that is the marker
    becomes `load_at > tested_since()`, or no filter when every row is
    tested. Any other `where` is used as written. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where | trim == loaded_since_tested_marker() -%}
        {%- set since = tested_since() -%}
        {%- set where = 'load_at > cast(' ~ sql_quote(since) ~ ' as ' ~ timestamp_type() ~ ')' if since else '' -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}
