{#- Reading the archive back: the anti-join's keys (post_hook.sql), the
    fact's intake of rows cleansed_events archived before the fact took them
    in, the data tests and gold.archived_months. -#}

{#- A select of the given archive files' rows with `relation`'s columns (or
    only `columns`), each cast to the relation's type or to `casts`'s;
    optionally only the rows loaded after `since`. No row without a file. -#}
{% macro archived_select(relation, files, columns=none, since=none, casts={}) -%}
    {%- if not files -%}
    {#- No introspection here: `dbt compile` on an empty Snowflake database
        must not describe a table that is not built yet. -#}
    select {{ columns | join(', ') if columns else '*' }} from {{ relation }}
    where false
    {%- else -%}
    {%- set typed = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- set name = column.name | lower -%}
        {%- if columns is none or name in columns -%}
            {%- do typed.append([name, casts[name] if name in casts else column.data_type]) -%}
        {%- endif -%}
    {%- endfor -%}
    select * from (
        {{ adapter.dispatch('archived_files_select', 'podcast')(files, typed, since) }}
    ) as archived
    {%- if since %}
    where archived.load_at > cast({{ sql_quote(since) }} as {{ timestamp_type() }})
    {%- endif %}
    {%- endif -%}
{%- endmacro %}

{% macro default__archived_files_select(files, typed, since) -%}
    select
        {%- for name, type in typed %}
        cast({{ name }} as {{ type }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
        {%- if since and 'load_at' not in (typed | map('first') | list) %},
        load_at
        {%- endif %}
    from read_parquet([{%- for file in files %}{{ sql_quote(file[0]) }}{{ ", " if not loop.last }}{% endfor -%}])
{%- endmacro %}

{#- Snowflake: each column read from the Parquet record and cast, the files
    selected by a PATTERN matching exactly their paths. -#}
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

{#- The rows archived from `relation` (its columns, or only `columns`),
    optionally only those of the given months: for data tests and
    gold.archived_months. A subquery. -#}
{% macro archived_rows(relation, months=none, columns=none) -%}
    ({{ archived_select(relation, archive_files(relation, months) if execute else [], columns=columns) }})
{%- endmacro %}

{#- The rows of `upstream`'s archive this model has not taken in yet, with
    upstream's columns and types: on an incremental run the rows with a
    later load_at than this model's, read from the files of runs after it
    (late events upstream archived in the run that loaded them; rows that
    left upstream while this model had not run); every archived row on a
    full refresh or a first build. A select of no row when there is none. -#}
{% macro archived_not_taken_in(upstream) -%}
    {%- set files = archive_files(upstream) if execute else [] -%}
    {%- set since = none -%}
    {%- if files and is_incremental() -%}
        {%- set since = run_query('select ' ~ timestamp_text(taken_in_through())).columns[0].values()[0] -%}
    {%- endif -%}
    {%- set unread = [] -%}
    {%- for file in files -%}
        {%- if since is none or file[2] > archive_stamp(since) -%}{%- do unread.append(file) -%}{%- endif -%}
    {%- endfor -%}
    {{ archived_select(upstream, unread, since=since) }}
{%- endmacro %}

{#- A column as it is archived: as it is, or cast as `archive_casts` says
    (an ENUM as text; a HUGEINT as DECIMAL(38, 0), since DuckDB writes a
    HUGEINT to Parquet as a DOUBLE). -#}
{% macro archived_column(column, archive_casts, prefix='') -%}
    {%- if column in archive_casts -%}
        cast({{ prefix }}{{ column }} as {{ archive_casts[column] }})
    {%- else -%}
        {{ prefix }}{{ column }}
    {%- endif -%}
{%- endmacro %}
