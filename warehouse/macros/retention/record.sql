{#- The record of each archived table's window, silver.retention_record (a
    dbt source, models/silver/_silver__sources.yml): one row per table,
    replaced by the table's post-hook in the model's own transaction.
    archived_before: every archived row of the table is older than it (the
    latest window start ever applied); loaded_through: the latest load_at the
    table has taken in, which stays even when the rows of that load have left
    the table. gold.retention_window shows it. -#}

{% macro retention_record_relation() -%}
    {{ return(api.Relation.create(database=target.database, schema='silver', identifier='retention_record')) }}
{%- endmacro %}

{#- on-run-start: the record's table, when a build or run starts on a
    warehouse without it. -#}
{% macro create_retention_record() -%}
    {%- if execute and flags.WHICH in ['build', 'run'] -%}
        {%- set record = retention_record_relation() -%}
        {%- if adapter.get_relation(database=record.database, schema=record.schema, identifier=record.identifier) is none -%}
            {%- do adapter.create_schema(record) -%}
            {%- call statement('create_retention_record') -%}
                create table {{ record }} (
                    table_name varchar not null,
                    retention_days integer,
                    window_start date,
                    archived_before date,
                    archive_location varchar not null,
                    loaded_through {{ timestamp_type() }},
                    load_at {{ timestamp_type() }} not null
                )
            {%- endcall -%}
            {%- do adapter.commit() -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- 'schema.table', the record's key for a relation. -#}
{% macro retention_table_name(relation) -%}
    {{ return(relation.schema ~ '.' ~ relation.identifier) }}
{%- endmacro %}

{#- The recorded window of a table: archived_before and loaded_through as
    text, each none when not recorded. -#}
{% macro recorded_window(relation) -%}
    {%- set query -%}
        select {{ date_text('archived_before') }}, {{ timestamp_text('loaded_through') }}
        from {{ retention_record_relation() }}
        where table_name = {{ sql_quote(retention_table_name(relation)) }}
    {%- endset -%}
    {%- set rows = run_query(query).rows -%}
    {{ return({
        'archived_before': rows[0][0] if rows else none,
        'loaded_through': rows[0][1] if rows else none,
    }) }}
{%- endmacro %}

{#- The statement that records a table's window, the post-hook's last: after
    it, only the commit. -#}
{% macro record_window(relation, cutoff, archived_before, loaded_through) -%}
    {%- set record = retention_record_relation() -%}
    {%- set days = retention_days() -%}
    {%- call statement('forget_window') -%}
        delete from {{ record }} where table_name = {{ sql_quote(retention_table_name(relation)) }}
    {%- endcall -%}
    insert into {{ record }} (
        table_name, retention_days, window_start, archived_before, archive_location, loaded_through, load_at
    )
    select
        {{ sql_quote(retention_table_name(relation)) }},
        {{ days if days is not none else 'null' }},
        {{ 'cast(' ~ sql_quote(cutoff) ~ ' as date)' if cutoff else 'null' }},
        {{ 'cast(' ~ sql_quote(archived_before) ~ ' as date)' if archived_before else 'null' }},
        {{ sql_quote(archive_dir()) }},
        {{ 'cast(' ~ sql_quote(loaded_through) ~ ' as ' ~ timestamp_type() ~ ')' if loaded_through else 'null' }},
        cast({{ sql_quote(load_at()) }} as {{ timestamp_type() }})
{%- endmacro %}

{#- The latest load_at this model has taken in: the latest in the table, or
    the record's loaded_through when the rows of later loads have all left
    the table for the archive. A scalar subquery. -#}
{% macro taken_in_through() -%}
    (
        select max(taken_in.load_at)
        from (
            select max(load_at) as load_at from {{ this }}
            union all
            select loaded_through as load_at from {{ retention_record_relation() }}
            where table_name = {{ sql_quote(retention_table_name(this)) }}
        ) as taken_in
    )
{%- endmacro %}

{#- The incremental filter of the archived tables: rows of loads this model
    has not taken in yet. -#}
{% macro loaded_after_taken_in() -%}
    load_at > coalesce({{ taken_in_through() }}, cast('1900-01-01' as {{ timestamp_type() }}))
{%- endmacro %}
