{#- None of `columns` is null in any row: one test node for all of them,
    where dbt's not_null is one node per column, each with dbt's own cost
    per node. Each failing column is one result row with its count of nulls,
    and the failures are the nulls in all (fail_calc). Each count is a
    `where column is null` of its own, which DuckDB answers from the row
    groups' statistics without reading a column that has no null (one
    aggregate over the columns reads them all: 0.1 s against 0.002 s on a
    fact of 10M rows). Every row is checked, not only a run's new ones: a
    filter on load_at would hide a row whose load_at is null. The seeds and
    dimensions keep dbt's not_null: they have one such column. -#}
{% test not_null_columns(model, columns) %}
{{ config(fail_calc='coalesce(sum(null_rows), 0)') }}

{% for column in columns -%}
select
    '{{ column }}' as column_name,
    count(*) as null_rows
from {{ model }}
where {{ column }} is null
having count(*) > 0
{{ "union all" if not loop.last }}
{% endfor %}
{% endtest %}
