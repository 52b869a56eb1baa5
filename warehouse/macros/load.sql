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
    {%- set value = timestamp_var('load_at') or env_var('PODCAST_LOAD_AT', '') or run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') -%}
    {%- if not is_timestamp(value) -%}{{ refuse_var('load_at', 'a timestamp YYYY-MM-DD HH:MM:SS', value) }}{%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- A text as a SQL string literal, the one way a var's value (or a path)
    reaches SQL: single quotes doubled, and on Snowflake, which reads a
    backslash in a string literal as an escape, backslashes doubled too. -#}
{% macro sql_quote(text) -%}
    {{ return(adapter.dispatch('sql_quote', 'podcast')(text)) }}
{%- endmacro %}

{% macro default__sql_quote(text) -%}
    {{ return("'" ~ (text | string | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{% macro snowflake__sql_quote(text) -%}
    {{ return("'" ~ (text | string | replace("\\", "\\\\") | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{#- The manifest `podcast run` writes after checking the new event files
    against the load contract (PODCAST_LOAD_MANIFEST: a CSV of filename,
    row_count, byte_count, sha256), or '' when dbt runs by hand. -#}
{% macro load_manifest() -%}
    {{ return(env_var('PODCAST_LOAD_MANIFEST', '')) }}
{%- endmacro %}

{#- read_path is the file itself, or for a file starting with a byte-order
    mark (which DuckDB's reader refuses) a copy without it that podcast made
    for the run. -#}
{% macro load_manifest_relation() -%}
    read_csv({{ sql_quote(load_manifest()) }}, header = true, columns = {
        'filename': 'varchar', 'row_count': 'bigint', 'byte_count': 'bigint',
        'sha256': 'varchar', 'read_path': 'varchar'
    })
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

{#- The record of every loaded event file (bronze.loaded_files), kept in the
    load's own transaction by raw_events' post-hook: a file is in it exactly
    when its rows are in raw_events (none, for a file of blank lines). -#}
{% macro load_record_relation() -%}
    {{ return(api.Relation.create(database=target.database, schema='bronze', identifier='loaded_files')) }}
{%- endmacro %}

{#- on-run-start: the record's table, when a build or run starts on a new
    warehouse; on a warehouse loaded before the record existed, filled from
    raw_events (no byte counts or digests for those files). -#}
{% macro create_load_record() -%}
    {%- if execute and flags.WHICH in ['build', 'run'] -%}
        {%- set record = load_record_relation() -%}
        {%- if adapter.get_relation(database=record.database, schema=record.schema, identifier=record.identifier) is none -%}
            {%- do adapter.create_schema(record) -%}
            {%- call statement('create_load_record') -%}
                create table {{ record }} (
                    filename varchar not null,
                    load_at {{ timestamp_type() }} not null,
                    row_count bigint not null,
                    byte_count bigint,
                    sha256 varchar
                )
            {%- endcall -%}
            {%- set raw_events = adapter.get_relation(database=record.database, schema=record.schema, identifier='raw_events') -%}
            {%- if raw_events is not none -%}
                {%- call statement('fill_load_record') -%}
                    insert into {{ record }} (filename, load_at, row_count)
                    select filename, max(load_at), count(*) from {{ raw_events }} group by filename
                {%- endcall -%}
            {%- endif -%}
            {%- do adapter.commit() -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- Relative names of the event files to load, in name order: those of the
    manifest when `podcast run` checked them; by hand, every event file found
    below the loading directory that the record does not hold. Empty at
    parse time. -#}
{% macro new_event_files() -%}
    {{ return(adapter.dispatch('new_event_files', 'podcast')()) }}
{%- endmacro %}

{% macro default__new_event_files() -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- if load_manifest() -%}
        {%- set query -%}
            select filename from {{ load_manifest_relation() }} order by filename
        {%- endset -%}
        {{ return(run_query(query).columns[0].values() | list) }}
    {%- endif -%}
    {%- set prefix_length = data_dir() | length + 2 -%}
    {%- set query -%}
        with found as (
            select substr(file, {{ prefix_length }}) as filename
            from glob({{ sql_quote(data_dir() ~ '/**/*.json') }})
        )
        select filename
        from found
        where not regexp_matches(filename, '(^|/)[.]')
            and filename not in (select filename from {{ load_record_relation() }})
        order by filename
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}

{#- raw_events' post-hook, inside its transaction: the files just loaded
    join the record, with the manifest's counts and digests, or (by hand)
    their lines counted by a reader other than the load's. -#}
{% macro record_loaded_files() -%}
    {{ return(adapter.dispatch('record_loaded_files', 'podcast')()) }}
{%- endmacro %}

{% macro default__record_loaded_files() -%}
    {%- set filenames = new_event_files() -%}
    {%- if filenames | length == 0 -%}
    select 1
    {%- elif load_manifest() -%}
    insert into {{ load_record_relation() }} (filename, load_at, row_count, byte_count, sha256)
    select filename, cast({{ sql_quote(load_at()) }} as {{ timestamp_type() }}), row_count, byte_count, sha256
    from {{ load_manifest_relation() }}
    {%- else -%}
    insert into {{ load_record_relation() }} (filename, load_at, row_count)
    select files.filename, cast({{ sql_quote(load_at()) }} as {{ timestamp_type() }}), coalesce(counts.row_count, 0)
    from (values {% for name in filenames %}({{ sql_quote(name) }}){{ ", " if not loop.last }}{% endfor %}) as files (filename)
    left join ({{ file_line_counts(filenames) }}) as counts on files.filename = counts.filename
    {%- endif -%}
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
    {%- if load_manifest() -%}
        {#- `podcast run` checked these files strictly (RFC 8259) before dbt started. -#}
        {%- do log_step_seconds('contract check', started) -%}
        {{ return('') }}
    {%- endif -%}
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
    {%- set files = event_read_paths(filenames) if execute else [] -%}
    {%- if execute -%}
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
    {%- endif %}
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

{#- The temporary table of the load's scan (DuckDB), and the post-hook of
    raw_events that drops it (on Snowflake, snowflake_load.sql empties the
    landing table instead). -#}
{% macro event_lines_scan() -%}
    podcast_event_lines_scan
{%- endmacro %}

{% macro drop_event_lines_scan() -%}
    {{ return(adapter.dispatch('drop_event_lines_scan', 'podcast')()) }}
{%- endmacro %}

{% macro default__drop_event_lines_scan() -%}
    drop table if exists temp.main.{{ event_lines_scan() }}
{%- endmacro %}

{#- The reference data directory (users.csv, episodes.csv): the seeds' path. -#}
{% macro reference_dir() -%}
    {{ return(env_var('PODCAST_SEED_DIR', 'fixtures/reference').rstrip('/')) }}
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
