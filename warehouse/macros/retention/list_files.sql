{#- The complete files of a table's archive (location.sql names them). -#}

{#- [path, month, stamp] each, by path, optionally only those of the given
    months. -#}
{% macro archive_files(relation, months=none) -%}
    {%- set files = [] -%}
    {%- for path in archive_file_paths(relation) | sort -%}
        {%- set parts = path.split('/') -%}
        {%- set month = parts[-2][6:] -%}
        {%- if parts[-2].startswith('month=') and parts[-1].startswith('run-') and parts[-1].endswith('.parquet')
            and (months is none or month in months) -%}
            {%- do files.append([path, month, parts[-1][4:25]]) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(files) }}
{%- endmacro %}

{#- Every file of a table's archive, by path. -#}
{% macro archive_file_paths(relation) -%}
    {{ return(adapter.dispatch('archive_file_paths', 'podcast')(relation)) }}
{%- endmacro %}

{#- DuckDB writes each file as tmp_run-... and renames it when complete: the
    glob never matches an unfinished one. -#}
{% macro default__archive_file_paths(relation) -%}
    {%- set pattern = table_archive_dir(relation) ~ '/month=*/run-*.parquet' -%}
    {{ return(run_query('select file from glob(' ~ sql_quote(pattern) ~ ')').columns[0].values() | list) }}
{%- endmacro %}

{#- Snowflake: relative to the stage (LIST names an internal stage's file
    "<stage name>/<path>"). Only when building: `dbt compile` and `docs
    generate` create and list nothing. -#}
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
