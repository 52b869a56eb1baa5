{#- Retention on Snowflake (docs/snowflake.md, "Retention"): the same rule,
    with the archive on the internal stage bronze.archive (var archive_dir is
    DuckDB's): @bronze.archive/<table>/month=YYYY-MM/run-<stamp>-<invocation>.parquet,
    unloaded by COPY INTO <location> and read back by querying the stage.
    dbt-snowflake runs the hooks in autocommit after its merge: the files are
    unloaded before the delete, so a stop at any point leaves a key in the
    table, in the archive or in both, never in neither; the next run's
    anti-join deletes it from the table without unloading it again. -#}

{% macro snowflake_archive_stage() -%}
    {{ return('bronze.archive') }}
{%- endmacro %}

{% macro snowflake_archive_format() -%}
    {{ return('bronze.archive_parquet') }}
{%- endmacro %}

{% macro snowflake__archive_dir() -%}
    {{ return('@' ~ snowflake_archive_stage()) }}
{%- endmacro %}

{#- The archive's stage and file format, created if missing (idempotent). -#}
{% macro create_snowflake_archive_objects() -%}
    {%- do run_query('create schema if not exists bronze') -%}
    {%- do run_query('create file format if not exists ' ~ snowflake_archive_format() ~ ' type = parquet') -%}
    {%- do run_query('create stage if not exists ' ~ snowflake_archive_stage()
        ~ ' file_format = (format_name = ' ~ sql_quote(snowflake_archive_format()) ~ ')') -%}
{%- endmacro %}

{#- The table's archive files, relative to the stage (LIST names an internal
    stage's file "<stage name>/<path>"). Only when building: `dbt compile`
    and `docs generate` create and list nothing. -#}
{% macro snowflake__archive_file_paths(relation) -%}
    {%- if not execute or flags.WHICH not in ['build', 'run'] -%}{{ return([]) }}{%- endif -%}
    {%- do create_snowflake_archive_objects() -%}
    {%- set paths = [] -%}
    {%- for name in run_query('list @' ~ snowflake_archive_stage()).columns[0].values() -%}
        {%- set relative = name.split('/', 1)[1] if '/' in name else '' -%}
        {%- if relative.startswith(relation.identifier ~ '/') -%}{%- do paths.append(relative) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(paths) }}
{%- endmacro %}

{#- The given staged files' rows, each column read from the Parquet record and
    cast: selected by a PATTERN matching exactly their paths. -#}
{% macro snowflake__archived_files_select(files, typed, since) -%}
    {%- set names = [] -%}
    {%- for file in files -%}{%- do names.append(file[0] | replace('.', '[.]')) -%}{%- endfor -%}
    select
        {%- for name, type in typed %}
        cast($1:"{{ name }}" as {{ type }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
        {%- if since and 'load_at' not in (typed | map('first') | list) %},
        cast($1:"load_at" as {{ timestamp_type() }}) as load_at
        {%- endif %}
    from @{{ snowflake_archive_stage() }} (
        file_format => {{ sql_quote(snowflake_archive_format()) }},
        pattern => {{ sql_quote('(.*/)?(' ~ names | join('|') ~ ')') }}
    )
{%- endmacro %}

{#- Step (1) of the post-hook on Snowflake: for each month with rows of
    {{ this }} before `cutoff` that are not in the archive, one COPY INTO the
    stage of one Parquet file (single, with the columns named in lower case,
    as $1:"name" reads them). -#}
{% macro snowflake__archive_rows_before(cutoff, in_archive, archive_casts) -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- set rows_to_archive -%}
        from {{ this }}
        where {{ this.identifier }}.timestamp < cast({{ sql_quote(cutoff) }} as date)
        {%- if in_archive %}
            and not {{ in_archive }}
        {%- endif %}
    {%- endset -%}
    {%- set months = run_query('select distinct ' ~ month_text(this.identifier ~ '.timestamp') ~ ' ' ~ rows_to_archive).columns[0].values() | list -%}
    {%- for month in months | sort -%}
        {%- call statement('archive_month') -%}
            copy into {{ sql_quote(table_archive_dir(this) ~ '/month=' ~ month ~ '/' ~ archive_file_name()) }}
            from (
                select
                    {%- for column in columns %}
                    {{ archived_column(column, archive_casts, this.identifier ~ '.') }} as "{{ column }}"{{ "," if not loop.last }}
                    {%- endfor %}
                {{ rows_to_archive }}
                    and {{ month_text(this.identifier ~ '.timestamp') }} = {{ sql_quote(month) }}
            )
            file_format = (format_name = {{ sql_quote(snowflake_archive_format()) }})
            single = true
            header = true
            max_file_size = 5368709120
        {%- endcall -%}
    {%- endfor -%}
{%- endmacro %}

{% macro snowflake__month_text(expression) -%}
    to_varchar(cast({{ expression }} as timestamp_ntz), 'YYYY-MM')
{%- endmacro %}

{% macro snowflake__date_text(expression) -%}
    to_varchar(cast({{ expression }} as date), 'YYYY-MM-DD')
{%- endmacro %}

{% macro snowflake__timestamp_text(expression) -%}
    to_varchar(cast({{ expression }} as timestamp_ntz), 'YYYY-MM-DD HH24:MI:SS.FF6')
{%- endmacro %}
