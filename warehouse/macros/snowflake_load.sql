{#- The load step on Snowflake (docs/snowflake.md): the snowflake__ versions of
    the dispatched load macros in load.sql. Event files reach a stage (PUT by
    this step from the loading directory, or written there by producers); the
    stage is listed to find the files not loaded yet; their lines are read from
    the stage as one-column CSV records of whole lines (file, line number,
    text) and checked against the load contract in SQL before anything is
    inserted. The relative filename is the file's path inside the stage, which
    is its path relative to the loading directory. -#}

{#- The stage the event files are read from: var snowflake_stage (an external
    stage, say), else the internal stage <database>.bronze.event_files. -#}
{% macro snowflake_stage() -%}
    {{ return(var('snowflake_stage', none) or target.database ~ '.bronze.event_files') }}
{%- endmacro %}

{#- Whole lines as single-field CSV records: no delimiter, quoting or escapes,
    so the record is the line's text; blank lines are kept (they count as
    physical lines). -#}
{% macro snowflake_line_format() -%}
    {{ return(target.database ~ '.bronze.event_lines') }}
{%- endmacro %}

{#- The reference CSVs as the seeds read them, for the seeds' row-count tests,
    and the internal stage they are PUT to (an external event stage takes no PUT). -#}
{% macro snowflake_reference_csv_format() -%}
    {{ return(target.database ~ '.bronze.reference_csv') }}
{%- endmacro %}

{% macro snowflake_reference_stage() -%}
    {{ return(target.database ~ '.bronze.reference_files') }}
{%- endmacro %}

{#- The emulator (fakesnow) cannot query staged files; var snowflake_emulator
    switches only the reading of staged lines to the emulator's own file
    reader (docs/snowflake.md, "Emulator gaps"). -#}
{% macro snowflake_emulator() -%}
    {{ return(var('snowflake_emulator', false) in [true, 'true', 'True', 1, '1']) }}
{%- endmacro %}

{#- The schema, file formats and internal stage the load needs; idempotent.
    Run by every load, and by hand with
    `dbt run-operation create_snowflake_load_objects --target prod`. -#}
{% macro create_snowflake_load_objects() -%}
    {%- if target.type != 'snowflake' -%}
        {{ exceptions.raise_compiler_error('create_snowflake_load_objects: target ' ~ target.name ~ ' is not Snowflake') }}
    {%- endif -%}
    {%- do run_query('create schema if not exists ' ~ target.database ~ '.bronze') -%}
    {%- do run_query(
        'create file format if not exists ' ~ snowflake_line_format()
        ~ " type = csv field_delimiter = none record_delimiter = '\\n' skip_header = 0"
        ~ ' field_optionally_enclosed_by = none escape = none escape_unenclosed_field = none'
        ~ ' trim_space = false null_if = () empty_field_as_null = false skip_blank_lines = false'
        ~ " encoding = 'UTF8'"
    ) -%}
    {%- do run_query(
        'create file format if not exists ' ~ snowflake_reference_csv_format()
        ~ " type = csv field_delimiter = ',' skip_header = 1 field_optionally_enclosed_by = '\"'"
        ~ ' null_if = () empty_field_as_null = false'
    ) -%}
    {%- if var('snowflake_stage', none) is none -%}
        {%- do run_query('create stage if not exists ' ~ snowflake_stage()
            ~ " comment = 'podcast event files, path = filename relative to the loading directory'") -%}
    {%- endif -%}
    {%- do run_query('create stage if not exists ' ~ snowflake_reference_stage()
        ~ " comment = 'podcast reference CSVs, for the seeds row-count tests'") -%}
{%- endmacro %}

{#- An absolute local path: relative ones are taken from the dbt project's
    directory (which dbt records on seed nodes only), as the emulator, another
    process, reads them. -#}
{% macro absolute_local_path(path) -%}
    {%- if path.startswith('/') or not execute -%}{{ return(path) }}{%- endif -%}
    {%- set roots = graph.nodes.values() | selectattr('resource_type', 'equalto', 'seed')
        | map(attribute='root_path') | select | list -%}
    {{ return((roots[0] if roots else '.') ~ '/' ~ path) }}
{%- endmacro %}

{#- PUT one local file to an internal stage under the given relative path,
    gzip-compressed with compress=true (the staged name then ends ".gz"). The
    file URI is quoted (spaces are allowed in the loading directory's path). -#}
{% macro put_to_stage(local_path, relative_name, stage=none, compress=false) -%}
    {%- set parts = relative_name.rsplit('/', 1) -%}
    {%- set stage_dir = (stage or snowflake_stage()) ~ ('/' ~ parts[0] if parts | length > 1 else '') ~ '/' -%}
    {%- do run_query(
        "put " ~ sql_quote('file://' ~ absolute_local_path(local_path)) ~ ' @' ~ stage_dir
        ~ ' auto_compress = ' ~ ('true' if compress else 'false') ~ ' overwrite = true'
    ) -%}
{%- endmacro %}

{#- True when the event stage is an external one (var snowflake_stage). -#}
{% macro snowflake_external_stage() -%}
    {{ return(var('snowflake_stage', none) is not none) }}
{%- endmacro %}

{#- The path METADATA$FILENAME gives a file of the event stage before its
    relative name: '' for an internal stage; for an external one the path of
    the stage's URL (s3://bucket/landing/ gives "landing/"), as Snowflake names
    an external file by its full path in the bucket. -#}
{% macro snowflake_stage_path_prefix() -%}
    {%- if not snowflake_external_stage() or not execute -%}{{ return('') }}{%- endif -%}
    {%- set url = snowflake_stage_url() -%}
    {%- set path = modules.re.sub('^[a-z0-9]+://[^/]*/?', '', url) -%}
    {{ return(path.rstrip('/') ~ '/' if path else '') }}
{%- endmacro %}

{#- The URL of the external event stage, from SHOW STAGES. -#}
{% macro snowflake_stage_url() -%}
    {%- set stage_parts = snowflake_stage().split('.') -%}
    {%- set found = run_query(
        "show stages like " ~ sql_quote(stage_parts[-1] | upper) ~ " in schema " ~ stage_parts[:-1] | join('.')
    ) -%}
    {%- if found.rows | length == 0 -%}
        {{ exceptions.raise_compiler_error('snowflake_stage: no stage ' ~ snowflake_stage()) }}
    {%- endif -%}
    {{ return(found.columns['url'].values()[0]) }}
{%- endmacro %}

{#- What a file's staged name has after its relative name: ".gz" on the
    internal stage, where PUT compresses each file (auto_compress), nothing on
    an external one (producers' files are read as written; Snowflake detects
    gzip by itself). -#}
{% macro snowflake_staged_suffix() -%}
    {{ return('' if snowflake_external_stage() else '.gz') }}
{%- endmacro %}

{#- A text as a regular expression matching exactly that text: every
    metacharacter of Snowflake's (POSIX extended) regular expressions escaped
    with a backslash; sql_quote then doubles each backslash for the literal. -#}
{% macro regex_literal(text) -%}
    {{ return(modules.re.sub('([][.^$*+?(){}|\\\\])', '\\\\\\1', text)) }}
{%- endmacro %}

{#- Relative names on the stage of every *.json file, none with a part
    starting with '.'. LIST names a file of an internal stage
    "<stage name>/<path>", of an external one "<stage url><path>". -#}
{% macro staged_event_files() -%}
    {%- set listed = run_query('list @' ~ snowflake_stage()).columns[0].values() | list -%}
    {%- set url_prefix = none -%}
    {%- if listed | length > 0 and modules.re.match('^[a-z0-9]+://', listed[0]) -%}
        {%- set url_prefix = snowflake_stage_url().rstrip('/') ~ '/' -%}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for name in listed -%}
        {%- if url_prefix is not none and name.startswith(url_prefix) -%}
            {%- set relative = name[url_prefix | length:] -%}
        {%- elif url_prefix is none and '/' in name -%}
            {%- set relative = name.split('/', 1)[1] -%}
        {%- else -%}
            {%- set relative = '' -%}
        {%- endif -%}
        {%- if snowflake_staged_suffix() and relative.endswith(snowflake_staged_suffix()) -%}
            {%- set relative = relative[:-(snowflake_staged_suffix() | length)] -%}
        {%- endif -%}
        {%- if relative.endswith('.json') and not modules.re.search('(^|/)[.]', relative) -%}
            {%- do names.append(relative) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names | sort) }}
{%- endmacro %}

{#- New files. Internal stage: the loading directory's event files named by
    var event_files (the caller lists them; dbt cannot list local
    directories) that the record does not hold; only when building, each is
    PUT, and first every other staged file (loaded, or withdrawn from the
    loading directory) is removed from the stage. External stage: its
    listing less the record (producers withdraw a file by deleting it). -#}
{% macro snowflake__new_event_files() -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- if not flags.INTROSPECT or flags.WHICH not in ['build', 'run'] -%}
        {{ return(var('event_files', none) or []) }}
    {%- endif -%}
    {%- do create_snowflake_load_objects() -%}
    {%- set loaded = run_query('select filename from ' ~ load_record_relation()).columns[0].values() | list -%}
    {%- if snowflake_external_stage() -%}
        {{ return(staged_event_files() | reject('in', loaded) | list) }}
    {%- endif -%}
    {%- set new_files = (var('event_files', none) or []) | reject('in', loaded) | sort -%}
    {%- if not snowflake_emulator() -%}
        {%- for name in staged_event_files() | reject('in', new_files) -%}
            {%- do run_query('remove @' ~ snowflake_stage() ~ '/' ~ name ~ snowflake_staged_suffix()) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for name in new_files -%}
        {%- do put_to_stage(data_dir() ~ '/' ~ name, name, compress=true) -%}
    {%- endfor -%}
    {{ return(new_files) }}
{%- endmacro %}

{#- The PATTERN of COPY or a staged-file query that selects exactly the given
    files: the stage's path prefix (optional, see snowflake_stage_path_prefix)
    and one of the names, each regex-escaped. -#}
{% macro snowflake_files_pattern(filenames) -%}
    {%- set prefix = snowflake_stage_path_prefix() -%}
    {%- set escaped = [] -%}
    {%- for name in filenames -%}{%- do escaped.append(regex_literal(name ~ snowflake_staged_suffix())) -%}{%- endfor -%}
    {{ return(('(' ~ regex_literal(prefix) ~ ')?' if prefix else '')
        ~ '(' ~ escaped | join('|') ~ ')') }}
{%- endmacro %}

{#- One row per physical line of the given staged files: staged_name (the
    file's METADATA$FILENAME), physical_line (1-based, blank lines included)
    and the line's text. -#}
{% macro snowflake_staged_lines(filenames) -%}
    {%- if snowflake_emulator() %}
    {#- The emulator cannot query a stage: the staged files the pattern
        selects (matched in full, as Snowflake's PATTERN is) are read from the
        loading directory. -#}
    {%- set prefix = snowflake_stage_path_prefix() -%}
    {%- set pattern = snowflake_files_pattern(filenames) -%}
    {%- set selected = [] -%}
    {%- for name in (staged_event_files() if execute else filenames) -%}
        {%- if modules.re.fullmatch(pattern, prefix ~ name ~ snowflake_staged_suffix()) -%}{%- do selected.append(name) -%}{%- endif -%}
    {%- endfor -%}
    {%- for name in selected %}
    select
        {{ sql_quote(prefix ~ name ~ snowflake_staged_suffix()) }} as staged_name,
        split_lines.index + 1 as physical_line,
        cast(split_lines.value as varchar) as line
    from read_text({{ sql_quote(absolute_local_path(data_dir() ~ '/' ~ name)) }}) as file_text,
        lateral flatten(input => split(file_text.content, chr(10))) as split_lines
    {{ "union all" if not loop.last }}
    {%- else %}
    select cast(null as varchar) as staged_name, 0 as physical_line, cast(null as varchar) as line
    where false
    {%- endfor %}
    {%- else %}
    select
        metadata$filename as staged_name,
        metadata$file_row_number as physical_line,
        $1 as line
    from @{{ snowflake_stage() }} (
        file_format => '{{ snowflake_line_format() }}',
        pattern => {{ sql_quote(snowflake_files_pattern(filenames)) }}
    )
    {%- endif %}
{%- endmacro %}

{#- One row per non-blank staged line of the given files: filename (relative),
    physical_line, and event, the line's JSON when it is an object (else
    null). CR is removed first. A staged line belongs to the requested file
    whose staged name (the stage's path prefix and the relative name) it
    carries exactly. One select of nested subqueries, so that callers can
    wrap it. -#}
{% macro snowflake_parsed_lines(filenames) -%}
    {%- set prefix = snowflake_stage_path_prefix() -%}
    select
        filename,
        physical_line,
        case
            when left(ltrim(cast(line as varchar), {{ whitespace_chars() }}), 1) = '{' then try_parse_json(line)
        end as event
    from (
        select
            requested_files.filename,
            staged_lines.physical_line,
            rtrim(cast(staged_lines.line as varchar), chr(13)) as line
        from (
            {{ snowflake_staged_lines(filenames) }}
        ) as staged_lines
        inner join (
            select column1 as filename, column2 as staged_name
            from values
            {%- for name in filenames %}
                ({{ sql_quote(name) }}, {{ sql_quote(prefix ~ name ~ snowflake_staged_suffix()) }}){{ "," if not loop.last }}
            {%- endfor %}
        ) as requested_files
            on staged_lines.staged_name = requested_files.staged_name
    ) as named_lines
    where {{ trim_whitespace("coalesce(line, '')") }} <> ''
{%- endmacro %}

{#- Fails the run, before anything is loaded, naming the first line (by file,
    then physical line) that is not a JSON object holding the five keys. A key
    whose value is JSON null is present: only a missing key is SQL NULL. -#}
{% macro snowflake__assert_load_contract(filenames) -%}
    {%- if not execute or not flags.INTROSPECT or filenames | length == 0 -%}{{ return('') }}{%- endif -%}
    {%- set query -%}
        with parsed_lines as (
            {{ snowflake_parsed_lines(filenames) }}
        ),

        violations as (
            select
                filename,
                physical_line,
                case
                    when event is null then 'is not a JSON object'
                    {%- for key in event_keys() %}
                    when event:"{{ key }}" is null then 'missing key "{{ key }}"'
                    {%- endfor %}
                end as violation
            from parsed_lines
        )

        select 'file ' || filename || ', line ' || to_varchar(physical_line) || ': ' || violation
        from violations
        where violation is not null
        order by filename, physical_line
        limit 1
    {%- endset -%}
    {%- set located = run_query(query) -%}
    {%- if located.rows | length > 0 -%}
        {{ exceptions.raise_compiler_error('load contract violated: ' ~ located.rows[0][0]) }}
    {%- endif -%}
{%- endmacro %}

{#- One row per event line of the given files (which passed the contract):
    the five keys as text (a JSON string unescaped, JSON null as SQL NULL, any
    other value as its JSON text), filename, and line_number, the position
    among the file's non-blank lines. -#}
{% macro snowflake__read_event_lines(filenames) -%}
    select
        {%- for key in event_keys() %}
        cast(parsed_lines.event:"{{ key }}" as varchar) as {{ key }},
        {%- endfor %}
        parsed_lines.filename,
        cast(row_number() over (
            partition by parsed_lines.filename order by parsed_lines.physical_line
        ) as integer) as line_number
    from (
        {{ snowflake_parsed_lines(filenames) }}
    ) as parsed_lines
{%- endmacro %}

{#- raw_events' post-hook on Snowflake: the files just loaded join the record,
    their lines counted on the stage (no byte counts or digests: the manifest
    `podcast run` writes is a local file Snowflake cannot read). -#}
{% macro snowflake__record_loaded_files() -%}
    {%- set filenames = new_event_files() -%}
    {%- if filenames | length == 0 -%}
    select 1
    {%- else -%}
    insert into {{ load_record_relation() }} (filename, load_at, row_count)
    select files.filename, cast({{ sql_quote(load_at()) }} as {{ timestamp_type() }}), coalesce(counts.row_count, 0)
    from (
        select column1 as filename
        from values {% for name in filenames %}({{ sql_quote(name) }}){{ ", " if not loop.last }}{% endfor %}
    ) as files
    left join ({{ file_line_counts(filenames) }}) as counts on files.filename = counts.filename
    {%- endif -%}
{%- endmacro %}

{#- The seeds' row-count test: the CSV's records, counted by Snowflake from the
    file PUT to the reference stage (the emulator counts the local file). -#}
{% macro snowflake__reference_csv_relation(csv_file) -%}
    {%- set local_path = absolute_local_path(reference_dir() ~ '/' ~ csv_file) -%}
    {%- if execute and not snowflake_emulator() and flags.WHICH in ['build', 'test'] -%}
        {#- Only when the test runs: `dbt compile` or `docs generate` create and PUT nothing. -#}
        {%- do create_snowflake_load_objects() -%}
        {%- do put_to_stage(local_path, csv_file, snowflake_reference_stage()) -%}
    {%- endif -%}
    {%- if snowflake_emulator() -%}
        read_csv({{ sql_quote(local_path) }}, header = true, all_varchar = true)
    {%- else -%}
        @{{ snowflake_reference_stage() }}/{{ csv_file }} (file_format => '{{ snowflake_reference_csv_format() }}')
    {%- endif -%}
{%- endmacro %}

{#- Non-blank lines per given file, counted on the stage. -#}
{% macro snowflake__file_line_counts(filenames) -%}
    select
        filename,
        count(*) as row_count
    from (
        {{ snowflake_parsed_lines(filenames) }}
    ) as parsed_lines
    group by filename
{%- endmacro %}

{#- dbt-snowflake's incremental models merge from a temporary view; the
    emulator cannot create a temporary relation in a named schema, so with
    var snowflake_emulator the view is an ordinary one (dbt drops it after the
    merge). Everywhere else dbt-snowflake's own macro runs unchanged. -#}
{% macro snowflake__create_view_as_with_temp_flag(relation, sql, is_temporary=False) -%}
    {{ return(dbt.snowflake__create_view_as_with_temp_flag(
        relation, sql, is_temporary and not snowflake_emulator()
    )) }}
{%- endmacro %}

{#- Two emulator gaps in dbt-snowflake's merge (incremental models with a
    unique_key): the emulator cannot run a MERGE inside an explicit
    transaction, which dbt-snowflake opens around it, nor resolve the
    unqualified source columns of "when not matched then insert ... values
    (...)", which Snowflake reads as the source's. With var snowflake_emulator
    the merge runs on its own with those columns qualified; everywhere else
    dbt-snowflake's own merge runs unchanged. -#}
{% macro snowflake__get_merge_sql(target, source_sql, unique_key, dest_columns, incremental_predicates) -%}
    {%- if not snowflake_emulator() or unique_key is none -%}
        {{ return(dbt.snowflake__get_merge_sql(target, source_sql, unique_key, dest_columns, incremental_predicates)) }}
    {%- endif -%}
    {%- set merge = dbt.default__get_merge_sql(target, source_sql, unique_key, dest_columns, incremental_predicates) -%}
    {%- set names = dest_columns | map(attribute='name') | list -%}
    {%- set source_columns = [] -%}
    {%- for name in names -%}
        {%- do source_columns.append('DBT_INTERNAL_SOURCE.' ~ adapter.quote(name)) -%}
    {%- endfor -%}
    {%- set parts = merge.rsplit('(' ~ get_quoted_csv(names) ~ ')', 1) -%}
    {{ return(parts | join('(' ~ source_columns | join(', ') ~ ')')) }}
{%- endmacro %}
