{#- Step (1) of the post-hook (post_hook.sql): the rows of {{ this }} before
    `cutoff` that are not in the archive (`in_archive`: the condition that a
    row is; none when the months concerned have no archive file) written to
    one new file per month. -#}

{#- DuckDB: each file goes to a temporary name (tmp_run-...) and is renamed
    when complete (DuckDB closes it first; it does not fsync it: `podcast
    run` does, tool/src/archive.cpp). DuckDB creates no directory for a plain
    COPY: ensure_directory does. -#}
{% macro default__archive_rows_before(cutoff, in_archive, archive_casts) -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- call statement('select_rows_to_archive') -%}
        create or replace temporary table podcast_rows_to_archive as
        select
            {%- for column in columns %}
            {{ archived_column(column, archive_casts, this.identifier ~ '.') }} as {{ column }},
            {%- endfor %}
            {{ month_text(this.identifier ~ '.timestamp') }} as archive_month
        {{ rows_to_archive(this, cutoff, in_archive) }}
    {%- endcall -%}
    {%- set months = run_query('select distinct archive_month from podcast_rows_to_archive order by 1').columns[0].values() | list -%}
    {%- if months -%}
        {%- do ensure_directory(archive_dir()) -%}
        {%- do ensure_directory(table_archive_dir(this)) -%}
    {%- endif -%}
    {%- for month in months -%}
        {%- set month_dir = table_archive_dir(this) ~ '/month=' ~ month -%}
        {%- do ensure_directory(month_dir) -%}
        {%- call statement('archive_month') -%}
            copy (
                select * exclude (archive_month) from podcast_rows_to_archive
                where archive_month = {{ sql_quote(month) }}
                order by timestamp
            ) to {{ sql_quote(month_dir ~ '/' ~ archive_file_name()) }} (format parquet, use_tmp_file true)
        {%- endcall -%}
    {%- endfor -%}
    {%- call statement('drop_rows_to_archive') -%}
        drop table temp.main.podcast_rows_to_archive
    {%- endcall -%}
{%- endmacro %}

{#- Snowflake: for each month with such rows, one unload of one Parquet
    file. -#}
{% macro snowflake__archive_rows_before(cutoff, in_archive, archive_casts) -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- set months_query -%}
        select distinct {{ month_text(this.identifier ~ '.timestamp') }}
        {{ rows_to_archive(this, cutoff, in_archive) }}
    {%- endset -%}
    {%- for month in run_query(months_query).columns[0].values() | sort -%}
        {%- call statement('archive_month') -%}
            {{ snowflake_archive_unload(this, columns, cutoff, month, in_archive, archive_casts) }}
        {%- endcall -%}
    {%- endfor -%}
{%- endmacro %}

{#- The FROM and WHERE of the rows of `relation` before `cutoff` that are
    not in the archive (`in_archive`, or none). -#}
{% macro rows_to_archive(relation, cutoff, in_archive) -%}
    from {{ relation }}
    where {{ relation.identifier }}.timestamp < cast({{ sql_quote(cutoff) }} as date)
    {%- if in_archive %}
        and not {{ in_archive }}
    {%- endif %}
{%- endmacro %}

{#- A directory, created if it is missing, its parent existing. DuckDB has no
    statement that only creates a directory; a partitioned COPY creates its
    target directory, and with no row it writes no file (overwrite_or_ignore
    leaves whatever the directory holds alone). -#}
{% macro ensure_directory(path) -%}
    {%- call statement('ensure_directory') -%}
        copy (select 1 as partition, 1 as value where false) to {{ sql_quote(path) }}
            (format parquet, partition_by (partition), overwrite_or_ignore true)
    {%- endcall -%}
{%- endmacro %}

{#- Snowflake: one month's unload, a single Parquet file with the columns
    named in lower case, as $1:"name" reads them. -#}
{% macro snowflake_archive_unload(relation, columns, cutoff, month, in_archive, archive_casts) -%}
    copy into {{ sql_quote(table_archive_dir(relation) ~ '/month=' ~ month ~ '/' ~ archive_file_name()) }}
    from (
        select
            {%- for column in columns %}
            {{ archived_column(column, archive_casts, relation.identifier ~ '.') }} as "{{ column }}"{{ "," if not loop.last }}
            {%- endfor %}
        {{ rows_to_archive(relation, cutoff, in_archive) }}
            and {{ month_text(relation.identifier ~ '.timestamp') }} = {{ sql_quote(month) }}
    )
    file_format = (format_name = {{ sql_quote(snowflake_archive_format()) }})
    single = true
    header = true
    max_file_size = 5368709120
{%- endmacro %}
