{#- The reference data directory (users.csv, episodes.csv): the seeds' path. -#}
{% macro reference_dir() -%}
    {{ return(env_var('PODCAST_SEED_DIR', 'fixtures/reference').rstrip('/')) }}
{%- endmacro %}

{#- The records of a reference CSV file as a relation, for the seeds'
    row-count tests. -#}
{% macro reference_csv_relation(csv_file) -%}
    {{ return(adapter.dispatch('reference_csv_relation', 'podcast')(csv_file)) }}
{%- endmacro %}

{% macro default__reference_csv_relation(csv_file) -%}
    read_csv({{ sql_quote(reference_dir() ~ '/' ~ csv_file) }}, header = true, all_varchar = true)
{%- endmacro %}
