{#- The incremental filter of the models after the load: rows of loads this
    model has not taken in yet (every load_at later than its latest). -#}
{% macro loaded_after_this() -%}
    load_at > (
        select coalesce(max(load_at), cast('1900-01-01' as {{ timestamp_type() }})) from {{ this }}
    )
{%- endmacro %}

{#- Merges that do not scan history (Snowflake; docs/snowflake.md, "Merges").
    Strategy bounded_merge is dbt's merge with one more predicate on the
    destination: its timestamp lies, for some UTC day of the batch, between
    the batch's smallest and largest timestamp of that day. It can never hide
    a row the merge needs: both merged models are unique on a key that holds
    the timestamp (cleansed_events on the business key, the fact on
    interaction_id, a digest of the business key), so a destination row that
    matches a batch row has that row's timestamp, which lies in its day's
    range. A late duplicate of an old event adds its own day's range, and
    still merges; the days in between are not read. With the fact and cleansed tables
    clustered by to_date(timestamp), the range prunes every micro-partition of
    other days. The bounds are read from the batch (dbt's temporary relation)
    as literals, which Snowflake prunes with at compile time. -#}
{% macro get_incremental_bounded_merge_sql(arg_dict) -%}
    {%- set timestamp_format = "'YYYY-MM-DD HH24:MI:SS'" -%}
    {%- set bounds_query -%}
        select
            to_varchar(cast(min(timestamp) as {{ timestamp_type() }}), {{ timestamp_format }}),
            to_varchar(cast(max(timestamp) as {{ timestamp_type() }}), {{ timestamp_format }})
        from {{ arg_dict['temp_relation'] }}
        group by cast(timestamp as date)
        order by 1
    {%- endset -%}
    {%- set days = run_query(bounds_query).rows -%}
    {%- set ranges = [] -%}
    {%- if days | length > max_merge_ranges() -%}
        {#- A batch over very many days: one range, from its first to its last. -#}
        {%- set days = [[days[0][0], days[-1][1]]] -%}
    {%- endif -%}
    {%- for day in days -%}
        {%- do ranges.append(
            '(DBT_INTERNAL_DEST.timestamp between cast(' ~ sql_quote(day[0]) ~ ' as ' ~ timestamp_type()
            ~ ') and cast(' ~ sql_quote(day[1]) ~ ' as ' ~ timestamp_type() ~ '))'
        ) -%}
    {%- endfor -%}
    {%- set predicates = (arg_dict['incremental_predicates'] or []) | list -%}
    {#- An empty batch matches nothing and inserts nothing. -#}
    {%- do predicates.append(ranges | join(' or ') if ranges else 'false') -%}
    {%- do arg_dict.update({'incremental_predicates': predicates}) -%}
    {{ return(get_incremental_merge_sql(arg_dict)) }}
{%- endmacro %}

{#- At most this many per-day ranges in a merge's predicate. -#}
{% macro max_merge_ranges() -%}
    {{ return(62) }}
{%- endmacro %}

{#- The incremental strategy and clustering of the merged models (silver's
    cleansed_events, gold's fact): bounded_merge and clustering by day on
    Snowflake; the adapter's own strategy, unclustered, on DuckDB. -#}
{% macro merged_by_day_strategy() -%}
    {{ return('bounded_merge' if target.type == 'snowflake' else none) }}
{%- endmacro %}

{#- The batch as a view, as for dbt-snowflake's own merge (a custom strategy
    would get a temporary table, one more write of the batch). -#}
{% macro merged_by_day_tmp_relation_type() -%}
    {{ return('view' if target.type == 'snowflake' else none) }}
{%- endmacro %}

{% macro merged_by_day_cluster_by() -%}
    {{ return(['to_date(timestamp)'] if target.type == 'snowflake' else none) }}
{%- endmacro %}
