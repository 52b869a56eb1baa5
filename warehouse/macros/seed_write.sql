{#- dbt writes a seed's "run" SQL to <target-path>/run/<project>/<seed path>;
    for a seed path outside the project (an absolute one) that is the CSV file
    itself (dbt-core issue 7373). Seeds are the only callers of noop_statement:
    this project's version records the result as dbt's does, and writes
    nothing. -#}
{% macro noop_statement(name=None, message=None, code=None, rows_affected=None, res=None) -%}
    {%- set sql = caller() -%}
    {%- if name is not none -%}
        {{ store_raw_result(name, message=message, code=code, rows_affected=rows_affected, agate_table=res) }}
    {%- endif -%}
{%- endmacro %}
