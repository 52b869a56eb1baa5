{#- Row count of a reference CSV file, for the seeds' row-count tests. -#}
{% macro default__test_row_count_matches_csv(model, csv_file) %}

with seeded as (
    select count(*) as row_count from {{ model }}
),

in_file as (
    select count(*) as row_count
    from read_csv({{ sql_quote(reference_dir() ~ '/' ~ csv_file) }}, header = true, all_varchar = true)
)

select
    seeded.row_count as seeded_rows,
    in_file.row_count as file_rows
from seeded
cross join in_file
where seeded.row_count <> in_file.row_count

{% endmacro %}

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
