{#- The load step: find the event files not loaded yet, read them line by
    line, enforce the load contract, and return five text columns per line. -#}

{% macro event_keys() -%}
    {{ return(['event_type', 'user_id', 'episode_id', 'timestamp', 'duration']) }}
{%- endmacro %}

{#- The loading directory without a trailing slash; a relative path is taken
    from the directory dbt runs in (`podcast run` always passes an absolute one). -#}
{% macro data_dir() -%}
    {%- set dir = var('data_dir') | string -%}
    {{ return(dir.rstrip('/') if dir != '/' else dir) }}
{%- endmacro %}

{#- This run's load_at (UTC): the var load_at, else PODCAST_LOAD_AT (set by `podcast run`;
    an environment variable keeps dbt's partial parsing valid), else dbt's start time. -#}
{% macro load_at() -%}
    {{ return(var('load_at') or env_var('PODCAST_LOAD_AT', '') or run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')) }}
{%- endmacro %}

{% macro sql_quote(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}

{#- Relative names of the event files not in the model yet, in name order
    (every file, on a full refresh). Empty at parse time. -#}
{% macro new_event_files() -%}
    {{ return(adapter.dispatch('new_event_files', 'podcast')()) }}
{%- endmacro %}

{% macro default__new_event_files() -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set prefix_length = data_dir() | length + 2 -%}
    {%- set query -%}
        with found as (
            select substr(file, {{ prefix_length }}) as filename
            from glob({{ sql_quote(data_dir() ~ '/**/*.json') }})
        )
        select filename
        from found
        where not regexp_matches(filename, '(^|/)[.]')
        {%- if is_incremental() %}
            and filename not in (select distinct filename from {{ this }})
        {%- endif %}
        order by filename
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}

{#- Fails the run, before anything is loaded, when a non-blank line of the
    given files is not a JSON object holding the five keys. A fast pass over
    all files finds whether any line breaks the contract; only then a second,
    line-by-line pass over the offending files names the first such line. -#}
{% macro assert_load_contract(filenames) -%}
    {{ return(adapter.dispatch('assert_load_contract', 'podcast')(filenames)) }}
{%- endmacro %}

{% macro default__assert_load_contract(filenames) -%}
    {%- if not execute or filenames | length == 0 -%}{{ return('') }}{%- endif -%}
    {%- set started = modules.datetime.datetime.now() -%}
    {%- set prefix_length = data_dir() | length + 2 -%}
    {%- set fast_check -%}
        select distinct substr(filename, {{ prefix_length }}) as filename
        from read_ndjson_objects({{ event_file_paths(filenames) }}, filename = true, ignore_errors = true)
        where json is null
            or not list_bool_and(json_exists(json, [
                {%- for key in event_keys() %}'$."{{ key }}"'{{ ", " if not loop.last }}{% endfor -%}
            ]))
        order by filename
    {%- endset -%}
    {%- set offending_files = run_query(fast_check).columns[0].values() | list -%}
    {%- if offending_files | length > 0 -%}
        {%- set located = run_query(locate_contract_violation(offending_files)) -%}
        {%- if located.rows | length > 0 -%}
            {{ exceptions.raise_compiler_error('load contract violated: ' ~ located.rows[0][0]) }}
        {%- else -%}
            {{ exceptions.raise_compiler_error(
                'load contract violated: file ' ~ offending_files[0]
                ~ ': a line does not hold exactly one JSON object'
            ) }}
        {%- endif -%}
    {%- endif -%}
    {%- do log_step_seconds('contract check', started) -%}
{%- endmacro %}

{#- Logs "podcast step seconds: STEP=SECONDS" since started: the time of a
    step inside a node (the contract check runs while raw_events compiles,
    beside the read of the files), which `podcast run` reports apart. -#}
{% macro log_step_seconds(step, started) -%}
    {%- set seconds = (modules.datetime.datetime.now() - started).total_seconds() -%}
    {%- do log('podcast step seconds: ' ~ step ~ '=' ~ seconds, info=true) -%}
{%- endmacro %}

{#- The list literal of the absolute paths of the given event files. -#}
{% macro event_file_paths(filenames) -%}
    [
    {%- for name in filenames -%}
        {{ sql_quote(data_dir() ~ '/' ~ name) }}{{ ", " if not loop.last }}
    {%- endfor -%}
    ]
{%- endmacro %}

{#- The first contract violation of the given files, by file then physical
    line: "file F, line N: missing key "K"" (or "is not a JSON object"). -#}
{% macro locate_contract_violation(filenames) -%}
    {%- set prefix_length = data_dir() | length + 2 -%}
    with split_files as (
        select
            substr(filename, {{ prefix_length }}) as filename,
            string_split(content, chr(10)) as file_lines
        from read_text({{ event_file_paths(filenames) }})
    ),

    lines as (
        select
            filename,
            generate_subscripts(file_lines, 1) as line_number,
            rtrim(unnest(file_lines), chr(13)) as line
        from split_files
    ),

    parsed as (
        select
            filename,
            line_number,
            case
                when json_valid(line) and json_type(line) = 'OBJECT'
                    then json_keys(line)
            end as keys
        from lines
        where trim(line, {{ whitespace_chars() }}) <> ''
    ),

    violations as (
        select
            filename,
            line_number,
            case
                when keys is null then 'is not a JSON object'
                {%- for key in event_keys() %}
                when not list_contains(keys, '{{ key }}') then 'missing key "{{ key }}"'
                {%- endfor %}
            end as violation
        from parsed
    )

    select 'file ' || filename || ', line ' || cast(line_number as varchar) || ': ' || violation
    from violations
    where violation is not null
    order by filename, line_number
    limit 1
{%- endmacro %}

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

{% macro default__read_event_lines(filenames) -%}
    {#- Two steps, so that DuckDB's JSON reader stays parallel. First the
        files are read into a temporary table: with preserve_insertion_order
        (profiles.yml) its rows keep the files in list order and each file's
        lines in order, so a row's rowid less its file's first rowid is the
        line's position in the file. (A row_number() window over the scan
        would serialise the read, at about twice the cost.) The model's
        post-hook drops the table (drop_event_lines_scan). -#}
    {%- if execute -%}
        {%- call statement('scan_event_lines', auto_begin=false) -%}
            create or replace temporary table {{ event_lines_scan() }} as
            select *
            from read_json(
                {{ event_file_paths(filenames) }},
                format = 'newline_delimited',
                filename = true,
                columns = { {%- for key in event_keys() %}{{ key }}: 'VARCHAR'{{ ", " if not loop.last }}{% endfor %} }
            )
        {%- endcall -%}
    {%- endif %}
    with first_rows as (
        select
            filename,
            min(rowid) as first_row
        from {{ event_lines_scan() }}
        group by filename
    )

    select
        {%- for key in event_keys() %}
        scan.{{ key }},
        {%- endfor %}
        substr(scan.filename, {{ data_dir() | length + 2 }}) as filename,
        cast(scan.rowid - first_rows.first_row + 1 as integer) as line_number
    from {{ event_lines_scan() }} as scan
    inner join first_rows on scan.filename = first_rows.filename
{%- endmacro %}

{#- The temporary table of the load's scan (DuckDB), and the post-hook of
    raw_events that drops it (nothing to drop on other adapters). -#}
{% macro event_lines_scan() -%}
    podcast_event_lines_scan
{%- endmacro %}

{% macro drop_event_lines_scan() -%}
    {{ return(adapter.dispatch('drop_event_lines_scan', 'podcast')()) }}
{%- endmacro %}

{% macro default__drop_event_lines_scan() -%}
    drop table if exists temp.main.{{ event_lines_scan() }}
{%- endmacro %}

{% macro snowflake__drop_event_lines_scan() -%}
    select 1
{%- endmacro %}

{#- The reference data directory (users.csv, episodes.csv): the seeds' path. -#}
{% macro reference_dir() -%}
    {{ return(env_var('PODCAST_REFERENCE_DIR', 'fixtures/reference').rstrip('/')) }}
{%- endmacro %}

{#- Non-blank lines per given event file (filename, row_count), for the test
    that raw_events holds one row per such line. -#}
{% macro file_line_counts(filenames) -%}
    {%- if filenames | length == 0 -%}
    select
        cast(null as varchar) as filename,
        cast(0 as bigint) as row_count
    where false
    {%- else -%}
    {{ return(adapter.dispatch('file_line_counts', 'podcast')(filenames)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__file_line_counts(filenames) -%}
    {#- Counted by a reader other than the load's (one JSON text per record,
        nothing mapped to columns), which like the load skips blank lines:
        a line the load dropped or doubled shows. Reading and splitting the
        files' text costs about six times as much. -#}
    select
        substr(filename, {{ data_dir() | length + 2 }}) as filename,
        count(*) as row_count
    from read_ndjson_objects({{ event_file_paths(filenames) }}, filename = true)
    group by filename
{%- endmacro %}

{#- The incremental filter of the models after the load: rows of loads this
    model has not taken in yet (every load_at later than its latest). -#}
{% macro loaded_after_this() -%}
    load_at > (
        select coalesce(max(load_at), cast('1900-01-01' as {{ timestamp_type() }})) from {{ this }}
    )
{%- endmacro %}
