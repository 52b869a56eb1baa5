{#- The records of a reference CSV file as a relation, for the seeds'
    row-count tests. -#}
{% macro reference_csv_relation(csv_file) -%}
    {{ return(adapter.dispatch('reference_csv_relation', 'podcast')(csv_file)) }}
{%- endmacro %}

{% macro default__reference_csv_relation(csv_file) -%}
    read_csv({{ sql_quote(reference_dir() ~ '/' ~ csv_file) }}, header = true, all_varchar = true)
{%- endmacro %}

{#- The reference data may live anywhere (`podcast run` writes its checked
    copy under the warehouse's state directory): nothing writes into the seed
    directory because seeds call this project's noop_statement
    (macros/seed_write.sql), not dbt's, which would write the seed's SQL over
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
