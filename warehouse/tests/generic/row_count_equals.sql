{#- The model has as many rows as `compare_to` (optionally filtered). -#}
{% test row_count_equals(model, compare_to, compare_where='1 = 1', model_where='1 = 1') %}

with model_rows as (
    select count(*) as row_count from {{ model }} where {{ model_where }}
),

compared_rows as (
    select count(*) as row_count from {{ compare_to }} where {{ compare_where }}
)

select
    model_rows.row_count as model_row_count,
    compared_rows.row_count as compared_row_count
from model_rows
cross join compared_rows
where model_rows.row_count <> compared_rows.row_count

{% endtest %}
