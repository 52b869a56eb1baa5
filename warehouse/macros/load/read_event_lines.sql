{#- The load step's read: one row per event line of the new files, the five
    keys as text, with the file and the line's position in it. -#}

{#- One row per event line of the given files (which passed the contract):
    filename, line_number (position among the file's non-blank lines), and
    the five keys as text. With no file (a run with nothing new), the same
    columns and no row; the adapters' versions only see files. -#}
{% macro read_event_lines(filenames) -%}
    {%- if filenames | length == 0 -%}
    select
        {%- for key in event_keys() %}
        cast(null as varchar) as {{ key }},
        {%- endfor %}
        cast(null as varchar) as filename,
        cast(null as integer) as line_number
    where false
    {%- else -%}
    {{ return(adapter.dispatch('read_event_lines', 'podcast')(filenames)) }}
    {%- endif -%}
{%- endmacro %}

{#- DuckDB: two steps, so that DuckDB's JSON reader stays parallel. First
    the files are read into a temporary table (scan_event_files): with
    preserve_insertion_order (profiles.yml) its rows keep the files in list
    order and each file's lines in order, so a row's rowid less its file's
    first rowid is the line's position in the file. (A row_number() window
    over the scan would serialise the read, at about twice the cost.) The
    model's post-hook drops the table (drop_event_lines_scan). -#}
{% macro default__read_event_lines(filenames) -%}
    {%- set files = event_read_paths(filenames) if execute else [] -%}
    {%- if execute -%}{%- do scan_event_files(files) -%}{%- endif %}
    with files (filename, read_path) as (
        values
        {%- for name, path in files %}
        ({{ sql_quote(name) }}, {{ sql_quote(path) }}){{ "," if not loop.last }}
        {%- endfor %}
    ),

    first_rows as (
        select
            files.filename,
            scanned.read_path,
            scanned.first_row
        from (
            select
                filename as read_path,
                min(rowid) as first_row
            from {{ event_lines_scan() }}
            group by filename
        ) as scanned
        inner join files on scanned.read_path = files.read_path
    )

    select
        {%- for key in event_keys() %}
        scan.{{ key }},
        {%- endfor %}
        first_rows.filename,
        cast(scan.rowid - first_rows.first_row + 1 as integer) as line_number
    from {{ event_lines_scan() }} as scan
    inner join first_rows on scan.filename = first_rows.read_path
{%- endmacro %}

{#- The scan of the given [name, path] files into the temporary table,
    outside dbt's transaction: created inside it, the insert that reads it
    back took twice as long. -#}
{% macro scan_event_files(files) -%}
    {%- call statement('scan_event_lines', auto_begin=false) -%}
        create or replace temporary table {{ event_lines_scan() }} as
        select *
        from read_json(
            [{%- for name, path in files %}{{ sql_quote(path) }}{{ ", " if not loop.last }}{% endfor -%}],
            format = 'newline_delimited',
            filename = true,
            {#- Twice podcast's line limit (16 MiB), so that check is the one that speaks. -#}
            maximum_object_size = 33554432,
            columns = { {%- for key in event_keys() %}{{ key }}: 'VARCHAR'{{ ", " if not loop.last }}{% endfor %} }
        )
    {%- endcall -%}
{%- endmacro %}

{#- The path to read each given file from: the manifest's read_path, or (by
    hand) the file below the loading directory. A list of [name, path]. -#}
{% macro event_read_paths(filenames) -%}
    {%- if load_manifest() -%}
        {%- set query -%}
            select filename, read_path from {{ load_manifest_relation() }} order by filename
        {%- endset -%}
        {%- set rows = run_query(query).rows -%}
        {{ return(rows | map('list') | list) }}
    {%- endif -%}
    {%- set pairs = [] -%}
    {%- for name in filenames -%}
        {%- do pairs.append([name, data_dir() ~ '/' ~ name]) -%}
    {%- endfor -%}
    {{ return(pairs) }}
{%- endmacro %}

{#- Snowflake: the same rows from the landing tables (snowflake/landing.sql):
    the five keys as text (a JSON string unescaped, JSON null as SQL NULL,
    any other value as its JSON text), filename, and line_number, the
    position among the file's non-blank lines. That is the physical line
    (METADATA$FILE_ROW_NUMBER) for a file whose non-blank lines are numbered
    1 to n, which the landing counts tell; only the lines of the other files,
    those holding a blank line, are numbered by a window. -#}
{% macro snowflake__read_event_lines(filenames) -%}
    {%- set files = snowflake_landing_table('files') %}
    select
        {%- for key in event_keys() %}
        cast(numbered_lines.event:"{{ key }}" as varchar) as {{ key }},
        {%- endfor %}
        files.filename,
        cast(numbered_lines.line_number as integer) as line_number
    from (
        select
            staged_name,
            event,
            physical_line as line_number
        from (
            {{ snowflake_parsed_landing_lines(snowflake_landing_lines_of_files('files.last_line = files.row_count')) }}
        ) as parsed_lines
        where not blank
        union all
        select
            staged_name,
            event,
            row_number() over (partition by staged_name order by physical_line) as line_number
        from (
            {{ snowflake_parsed_landing_lines(snowflake_landing_lines_of_files('files.last_line <> files.row_count')) }}
        ) as parsed_lines
        where not blank
    ) as numbered_lines
    inner join {{ files }} as files on numbered_lines.staged_name = files.staged_name
{%- endmacro %}

{#- The landing lines of the files whose landing_files row meets `condition`,
    as a subquery (staged_name, physical_line, line): each row is parsed by
    one of the load's two branches only. -#}
{% macro snowflake_landing_lines_of_files(condition) -%}
    (
        select landed.staged_name, landed.physical_line, landed.line
        from {{ snowflake_landing_table('lines') }} as landed
        inner join {{ snowflake_landing_table('files') }} as files on landed.staged_name = files.staged_name
        where {{ condition }}
    )
{%- endmacro %}

{#- The temporary table of the load's scan (DuckDB), and the post-hook of
    raw_events that drops it (on Snowflake, empties the landing table). -#}
{% macro event_lines_scan() -%}
    podcast_event_lines_scan
{%- endmacro %}

{% macro drop_event_lines_scan() -%}
    {{ return(adapter.dispatch('drop_event_lines_scan', 'podcast')()) }}
{%- endmacro %}

{% macro default__drop_event_lines_scan() -%}
    drop table if exists temp.main.{{ event_lines_scan() }}
{%- endmacro %}

{#- The landed lines are deleted once loaded (DML, so inside the load's
    transaction; no Time Travel on the table). -#}
{% macro snowflake__drop_event_lines_scan() -%}
    delete from {{ snowflake_landing_table('lines') }}
{%- endmacro %}
