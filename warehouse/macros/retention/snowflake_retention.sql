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
    {{ this }} before `cutoff` that are not in the archive, one unload of one
    Parquet file. -#}
{% macro snowflake__archive_rows_before(cutoff, in_archive, archive_casts) -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- set months_query -%}
        select distinct {{ month_text(this.identifier ~ '.timestamp') }}
        {{ snowflake_rows_to_archive(this, cutoff, in_archive) }}
    {%- endset -%}
    {%- for month in run_query(months_query).columns[0].values() | sort -%}
        {%- call statement('archive_month') -%}
            {{ snowflake_archive_unload(this, columns, cutoff, month, in_archive, archive_casts) }}
        {%- endcall -%}
    {%- endfor -%}
{%- endmacro %}

{#- The FROM and WHERE of the rows of `relation` before `cutoff` that are
    not in the archive (`in_archive`, or none). -#}
{% macro snowflake_rows_to_archive(relation, cutoff, in_archive) -%}
    from {{ relation }}
    where {{ relation.identifier }}.timestamp < cast({{ sql_quote(cutoff) }} as date)
    {%- if in_archive %}
        and not {{ in_archive }}
    {%- endif %}
{%- endmacro %}

{#- One month's unload: a single Parquet file with the columns named in
    lower case, as $1:"name" reads them. -#}
{% macro snowflake_archive_unload(relation, columns, cutoff, month, in_archive, archive_casts) -%}
    copy into {{ sql_quote(table_archive_dir(relation) ~ '/month=' ~ month ~ '/' ~ archive_file_name()) }}
    from (
        select
            {%- for column in columns %}
            {{ archived_column(column, archive_casts, relation.identifier ~ '.') }} as "{{ column }}"{{ "," if not loop.last }}
            {%- endfor %}
        {{ snowflake_rows_to_archive(relation, cutoff, in_archive) }}
            and {{ month_text(relation.identifier ~ '.timestamp') }} = {{ sql_quote(month) }}
    )
    file_format = (format_name = {{ sql_quote(snowflake_archive_format()) }})
    single = true
    header = true
    max_file_size = 5368709120
{%- endmacro %}

{#- The Snowflake statements of retention that the emulator cannot run, for
    warehouse/snowflake/parse_compiled.py to parse (`dbt compile --inline`):
    the unload of the fact's rows with its anti-join on the stage, and the
    delete of archived rows, on made-up files. -#}
{% macro snowflake_retention_statements() -%}
    {%- set relation = api.Relation.create(database=target.database, schema='gold', identifier='fact_user_interactions') -%}
    {%- set files = [
        ['fact_user_interactions/month=2024-07/run-20240801T000000000000-a.parquet', '2024-07', '20240801T000000000000'],
        ['fact_user_interactions/month=2024-08/run-20240902T120000500000-b.parquet', '2024-08', '20240902T120000500000'],
    ] -%}
    {%- set casts = {'event_type': 'varchar', 'interaction_id': 'decimal(38, 0)'} -%}
    {%- set in_archive -%}
        exists (
            select 1 from ({{ snowflake__archived_files_select(files, [['interaction_id', 'decimal(38, 0)']], none) }}) as archived
            where archived.interaction_id = {{ archived_column('interaction_id', casts, relation.identifier ~ '.') }}
        )
    {%- endset -%}
    {{ snowflake_archive_unload(relation, ['interaction_id', 'user_id', 'episode_id', 'event_type', 'timestamp', 'duration', 'load_at'],
        '2024-08-21', '2024-08', in_archive, casts) }};
    delete from {{ relation }}
    where timestamp < cast('2024-09-01' as date) and {{ in_archive }};
    select * from ({{ snowflake__archived_files_select(files, [['user_id', 'varchar'], ['timestamp', 'timestamp_ntz']], '2024-09-01 00:00:00.000000') }}) as archived
    where archived.load_at > cast('2024-09-01 00:00:00.000000' as timestamp_ntz)
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
