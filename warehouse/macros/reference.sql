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
