{#- Merges that do not scan history (Snowflake; docs/snowflake.md, "Merges").
    Strategy bounded_merge is dbt's merge with one more predicate on the
    destination: its timestamp lies within the batch's own smallest and largest
    timestamp. It can never hide a row the merge needs: both merged models are
    unique on a key that holds the timestamp (cleansed_events on the business
    key, the fact on interaction_id, a digest of the business key), so a
    destination row that matches a batch row has that row's timestamp, which
    lies in the range. A late duplicate of an old event widens the range to
    its own timestamp, and still merges. With the fact and cleansed tables
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
    {%- endset -%}
    {%- set bounds = run_query(bounds_query).rows[0] -%}
    {%- set predicates = (arg_dict['incremental_predicates'] or []) | list -%}
    {%- if bounds[0] is none -%}
        {#- An empty batch matches nothing and inserts nothing. -#}
        {%- do predicates.append('false') -%}
    {%- else -%}
        {%- do predicates.append(
            'DBT_INTERNAL_DEST.timestamp between cast(' ~ sql_quote(bounds[0]) ~ ' as ' ~ timestamp_type()
            ~ ') and cast(' ~ sql_quote(bounds[1]) ~ ' as ' ~ timestamp_type() ~ ')'
        ) -%}
    {%- endif -%}
    {%- do arg_dict.update({'incremental_predicates': predicates}) -%}
    {{ return(get_incremental_merge_sql(arg_dict)) }}
{%- endmacro %}

{#- The incremental strategy and clustering of the merged models (silver's
    cleansed_events, gold's fact): bounded_merge and clustering by day on
    Snowflake; the adapter's own strategy, unclustered, on DuckDB. -#}
{% macro merged_by_day_strategy() -%}
    {{ return('bounded_merge' if target.type == 'snowflake' else none) }}
{%- endmacro %}

{% macro merged_by_day_cluster_by() -%}
    {{ return(['to_date(timestamp)'] if target.type == 'snowflake' else none) }}
{%- endmacro %}
