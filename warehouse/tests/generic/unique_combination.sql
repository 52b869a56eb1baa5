{#- No two rows share the same values in `columns`.

    With `changed_since` (a timestamp column set when a row is written, such
    as load_at) and a run that says since when the rows were last tested
    (tested_since), only the keys of rows written since then are checked,
    each against the whole table: older rows were unique among themselves
    when they were last tested, so a duplicate needs a newer row. The cost
    then follows the new rows, not the history. -#}
{% test unique_combination(model, columns, changed_since=none) %}
{%- set since = tested_since() if changed_since else none %}

{%- if since %}
with changed_keys as (
    select distinct {{ columns | join(', ') }}
    from {{ model }}
    where {{ changed_since }} > cast({{ sql_quote(since) }} as {{ timestamp_type() }})
)

select
    {%- for column in columns %}
    model_rows.{{ column }},
    {%- endfor %}
    count(*) as occurrences
from {{ model }} as model_rows
inner join changed_keys
    on
    {%- for column in columns %}
        model_rows.{{ column }} = changed_keys.{{ column }}{{ " and" if not loop.last }}
    {%- endfor %}
group by
    {%- for column in columns %}
    model_rows.{{ column }}{{ "," if not loop.last }}
    {%- endfor %}
having count(*) > 1
{%- else %}
{#- Every row. The rows of a duplicate share a hash of the columns, so only
    the rows whose hash another row has are grouped by the columns
    themselves: grouping one number is cheaper than grouping the columns
    (about 1 s less per event-sized table at 10M events). -#}
with shared_hashes as (
    select hash({{ columns | join(', ') }}) as key_hash
    from {{ model }}
    group by 1
    having count(*) > 1
)

select
    {%- for column in columns %}
    model_rows.{{ column }},
    {%- endfor %}
    count(*) as occurrences
from {{ model }} as model_rows
inner join shared_hashes
    on hash(
        {%- for column in columns %}
        model_rows.{{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    ) = shared_hashes.key_hash
group by
    {%- for column in columns %}
    model_rows.{{ column }}{{ "," if not loop.last }}
    {%- endfor %}
having count(*) > 1
{%- endif %}

{% endtest %}
