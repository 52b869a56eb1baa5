{#- A seed holds as many rows as its CSV file has records. -#}
{% test row_count_matches_csv(model, csv_file) %}

with seeded as (
    select count(*) as row_count from {{ model }}
),

in_file as (
    select count(*) as row_count
    from {{ reference_csv_relation(csv_file) }}
)

select
    seeded.row_count as seeded_rows,
    in_file.row_count as file_rows
from seeded
cross join in_file
where seeded.row_count <> in_file.row_count

{% endtest %}
