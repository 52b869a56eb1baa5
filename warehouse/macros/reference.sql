{#- The records of a reference CSV file as a relation, for the seeds'
    row-count tests. -#}
{% macro reference_csv_relation(csv_file) -%}
    {{ return(adapter.dispatch('reference_csv_relation', 'podcast')(csv_file)) }}
{%- endmacro %}

{% macro default__reference_csv_relation(csv_file) -%}
    read_csv({{ sql_quote(reference_dir() ~ '/' ~ csv_file) }}, header = true, all_varchar = true)
{%- endmacro %}

{#- dbt writes each seed's compiled SQL to target/run/<project>/<seed path>;
    with an absolute seed path that is the CSV file itself, which dbt would
    overwrite. So the reference directory must be relative to this project
    (`podcast run` copies the user's files into .reference/ for that). -#}
{% macro assert_reference_dir_is_relative() %}
    {%- if reference_dir().startswith('/') or '..' in reference_dir().split('/') -%}
        {{ exceptions.raise_compiler_error(
            "PODCAST_REFERENCE_DIR must be a path inside the dbt project, got '"
            ~ reference_dir() ~ "': dbt would overwrite the seed files (use podcast run --reference-dir)"
        ) }}
    {%- endif -%}
{% endmacro %}
