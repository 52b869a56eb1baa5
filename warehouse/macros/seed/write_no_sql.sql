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

{#- The reference data may live anywhere (`podcast run` writes its checked
    copy under the warehouse's state directory): nothing writes into the seed
    directory because seeds call this project's noop_statement
    (above), not dbt's, which would write the seed's SQL over
    a CSV outside the project. Checked before any seed runs, so a dbt that
    resolved the name otherwise stops instead of overwriting the reference data. -#}
{% macro assert_seeds_write_no_sql() %}
    {%- if noop_statement.macro.package_name != project_name -%}
        {{ exceptions.raise_compiler_error(
            "noop_statement resolves to package '" ~ noop_statement.macro.package_name
            ~ "', not " ~ project_name ~ ": a seed outside the project would be overwritten with its SQL"
        ) }}
    {%- endif -%}
{% endmacro %}
