{#- gold.user_sessions kept up to date by replacing only the sessions new
    fact rows can change (DuckDB; docs/performance.md, "Sessions"). A user's
    sessions that ended more than the gap before the user's earliest changed
    event cannot change: that event starts after the gap. So each user's
    sessions from the first one that could change are rebuilt from the
    fact's rows at or after its start, and the older ones are kept. -#}

{#- Incremental on DuckDB, where the model rebuilds only the changed users'
    latest sessions; a table elsewhere (Snowflake rebuilds it in full, as the
    design's model did). -#}
{% macro user_sessions_materialization() -%}
    {{ return(adapter.dispatch('user_sessions_materialization', 'podcast')()) }}
{%- endmacro %}

{% macro default__user_sessions_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{#- With retention (var retention_days) the fact loses its oldest rows every
    day, and the sessions are those of the rows it keeps: rebuilt in full, as
    a full refresh would build them. -#}
{% macro duckdb__user_sessions_materialization() -%}
    {{ return('table' if retention_days() is not none else 'incremental') }}
{%- endmacro %}

{#- Strategy replace_sessions_from: per user in the batch, the stored
    sessions starting at or after the batch's first one are deleted (they
    were rebuilt, or merged into a rebuilt one), then the batch is inserted. -#}
{% macro get_incremental_replace_sessions_from_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set batch = arg_dict['temp_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }}
    using (
        select
            user_id,
            min(session_start) as replaced_from
        from {{ batch }}
        group by user_id
    ) as rebuilt
    where {{ target }}.user_id = rebuilt.user_id
        and {{ target }}.session_start >= rebuilt.replaced_from;

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ batch }}
{%- endmacro %}
