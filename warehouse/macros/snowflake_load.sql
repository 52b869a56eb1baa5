{#- The load step on Snowflake (docs/snowflake.md): the snowflake__ versions of
    the dispatched load macros in load.sql. Event files reach a stage (PUT by
    this step from the loading directory, or written there by producers); the
    files not loaded yet are copied once, as whole lines (file, physical line,
    text), into a landing table (COPY INTO bronze.landing_lines); the load
    contract, the line counts and the load itself read that table, never the
    staged text again. The relative filename is the file's path inside the
    stage, which is its path relative to the loading directory. -#}

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
    and the internal stage they are PUT to (an external event stage takes no
    PUT), with the run's load manifest. -#}
{% macro snowflake_reference_csv_format() -%}
    {{ return(target.database ~ '.bronze.reference_csv') }}
{%- endmacro %}

{% macro snowflake_reference_stage() -%}
    {{ return(target.database ~ '.bronze.reference_files') }}
{%- endmacro %}

{#- The options of each file format the load creates, by name. -#}
{% macro snowflake_file_formats() -%}
    {{ return({
        snowflake_line_format():
            "type = csv field_delimiter = none record_delimiter = '\\n' skip_header = 0"
            ~ ' field_optionally_enclosed_by = none escape = none escape_unenclosed_field = none'
            ~ ' trim_space = false null_if = () empty_field_as_null = false skip_blank_lines = false'
            ~ " skip_byte_order_mark = true encoding = 'UTF8'",
        snowflake_reference_csv_format():
            "type = csv field_delimiter = ',' skip_header = 1 field_optionally_enclosed_by = '\"'"
            ~ ' null_if = () empty_field_as_null = false',
    }) }}
{%- endmacro %}

{#- The landing tables of a run, transient and replaced by every build: one
    row per staged line of the run's new files (landing_lines), one per new
    file with its counts, its first contract violation and its size and digest
    (landing_files), and the rows of the load manifest `podcast run` wrote
    (landing_manifest). -#}
{% macro snowflake_landing_table(name) -%}
    {{ return(target.database ~ '.bronze.landing_' ~ name) }}
{%- endmacro %}

{#- The emulator (fakesnow) cannot query staged files; var snowflake_emulator
    switches only the copying of staged lines into the landing table to the
    emulator's own file reader (docs/snowflake.md, "Emulator gaps"). -#}
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
    {%- for name, options in snowflake_file_formats().items() -%}
        {%- do create_or_update_file_format(name, options) -%}
    {%- endfor -%}
    {%- if var('snowflake_stage', none) is none -%}
        {%- do run_query('create stage if not exists ' ~ snowflake_stage()
            ~ " comment = 'podcast event files, path = filename relative to the loading directory'") -%}
    {%- endif -%}
    {%- do run_query('create stage if not exists ' ~ snowflake_reference_stage()
        ~ " comment = 'podcast reference CSVs and load manifest, for the seeds row-count tests and the load record'") -%}
{%- endmacro %}

{#- Creates the file format, or replaces it when its options are not those
    given: the comment holds the md5 of the options it was created with, so a
    changed definition replaces the old one on the next build, and an unchanged
    one is left alone (CREATE OR REPLACE only then). -#}
{% macro create_or_update_file_format(name, options) -%}
    {%- set comment = 'podcast file format, options md5 ' ~ local_md5(options) -%}
    {%- set parts = name.split('.') -%}
    {%- set shown = run_query(
        'show file formats like ' ~ sql_quote(parts[-1] | upper) ~ ' in schema ' ~ parts[:-1] | join('.')
    ) -%}
    {%- set comments = [] -%}
    {%- for row in shown.rows if row['name'] | upper == parts[-1] | upper -%}
        {%- do comments.append(row['comment']) -%}
    {%- endfor -%}
    {%- if comments != [comment] -%}
        {%- do run_query('create or replace file format ' ~ name ~ ' ' ~ options ~ ' comment = ' ~ sql_quote(comment)) -%}
    {%- endif -%}
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
    {%- set urls = [] -%}
    {%- for row in found.rows if row['name'] | upper == stage_parts[-1] | upper -%}
        {%- do urls.append(row['url']) -%}
    {%- endfor -%}
    {%- if urls | length == 0 -%}
        {{ exceptions.raise_compiler_error('snowflake_stage: no stage ' ~ snowflake_stage()) }}
    {%- endif -%}
    {{ return(urls[0]) }}
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

{#- The event files on the stage, by relative name, with their staged size in
    bytes (compressed on the internal stage): every *.json file, none with a
    part starting with '.'. LIST names a file of an internal stage
    "<stage name>/<path>", of an external one "<stage url><path>". -#}
{% macro staged_event_file_sizes() -%}
    {%- set listed = run_query('list @' ~ snowflake_stage()) -%}
    {%- set url_prefix = none -%}
    {%- if listed.rows | length > 0 and modules.re.match('^[a-z0-9]+://', listed.rows[0][0]) -%}
        {%- set url_prefix = snowflake_stage_url().rstrip('/') ~ '/' -%}
    {%- endif -%}
    {%- set sizes = {} -%}
    {%- for row in listed.rows -%}
        {%- set name = row[0] -%}
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
            {%- do sizes.update({relative: row[1] | int}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(sizes) }}
{%- endmacro %}

{#- New files, landed. Internal stage: the loading directory's event files
    named by var event_files (the caller lists them; dbt cannot list local
    directories) that the record does not hold; each is PUT, and first every
    other staged file (loaded, or withdrawn from the loading directory) is
    removed from the stage. External stage: its listing less the record
    (producers withdraw a file by deleting it). Then their lines are copied
    into the landing table (snowflake_land_event_files). Only when building;
    `dbt compile` or `docs generate` create, PUT or copy nothing. -#}
{% macro snowflake__new_event_files() -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- if flags.WHICH not in ['build', 'run'] -%}{{ return(var('event_files', none) or []) }}{%- endif -%}
    {%- if not flags.INTROSPECT -%}
        {{ exceptions.raise_compiler_error(
            'the Snowflake load stages and copies the new event files while raw_events compiles: '
            ~ 'build without --no-introspect') }}
    {%- endif -%}
    {%- do create_snowflake_load_objects() -%}
    {%- set loaded = {} -%}
    {%- for name in run_query('select filename from ' ~ load_record_relation()).columns[0].values() -%}
        {%- do loaded.update({name: true}) -%}
    {%- endfor -%}
    {%- if snowflake_external_stage() -%}
        {%- set listed = staged_event_file_sizes() -%}
        {%- set new_files = listed.keys() | reject('in', loaded) | sort -%}
        {%- do snowflake_land_event_files(new_files, listed) -%}
        {{ return(new_files) }}
    {%- endif -%}
    {%- for name in var('event_files', none) or [] -%}
        {#- As `podcast run` checks them: the names are a PUT's path and a pattern's text. -#}
        {%- if name is not string or not modules.re.fullmatch('([A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*[.]json', name) -%}
            {{ refuse_var('event_files', 'relative names of A-Z a-z 0-9 . _ - and /, ending in .json, no part starting with "."', name) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set new_files = (var('event_files', none) or []) | reject('in', loaded) | sort -%}
    {%- set requested = {} -%}
    {%- for name in new_files -%}{%- do requested.update({name: true}) -%}{%- endfor -%}
    {%- if not snowflake_emulator() -%}
        {%- for name in staged_event_file_sizes().keys() | reject('in', requested) | sort -%}
            {%- do run_query('remove @' ~ snowflake_stage() ~ '/' ~ name ~ snowflake_staged_suffix()) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for name in new_files -%}
        {%- do put_to_stage(data_dir() ~ '/' ~ name, name, compress=true) -%}
    {%- endfor -%}
    {%- do snowflake_land_event_files(new_files, {}) -%}
    {{ return(new_files) }}
{%- endmacro %}

{#- The PATTERN of COPY that selects exactly the given files: the stage's path
    prefix (optional, see snowflake_stage_path_prefix) and one of the names,
    each regex-escaped. -#}
{% macro snowflake_files_pattern(filenames) -%}
    {%- set prefix = snowflake_stage_path_prefix() -%}
    {%- set escaped = [] -%}
    {%- for name in filenames -%}{%- do escaped.append(regex_literal(name ~ snowflake_staged_suffix())) -%}{%- endfor -%}
    {{ return(('(' ~ regex_literal(prefix) ~ ')?' if prefix else '')
        ~ '(' ~ escaped | join('|') ~ ')') }}
{%- endmacro %}

{#- The one read of the staged text: every record (physical line, blank ones
    included) of the given staged files into landing_lines, with the file's
    METADATA$FILENAME and METADATA$FILE_ROW_NUMBER. The table is new (created
    by this run), so FORCE only says what is meant: Snowflake keeps load
    history per table. -#}
{% macro snowflake_copy_into_landing(filenames) -%}
    copy into {{ snowflake_landing_table('lines') }} (staged_name, physical_line, line)
    from (
        select metadata$filename, metadata$file_row_number, $1
        from @{{ snowflake_stage() }}
    )
    pattern = {{ sql_quote(snowflake_files_pattern(filenames)) }}
    file_format = (format_name = {{ sql_quote(snowflake_line_format()) }})
    force = true
    on_error = abort_statement
{%- endmacro %}

{#- The emulator's stand-in for that COPY (it cannot query staged files): the
    staged files the very same pattern selects (matched in full, as Snowflake's
    PATTERN is) are read with its own engine: an internal stage's from the
    loading directory they were PUT from, an external stage's by their bucket
    path (the emulator's --external-storage serves it), split on newlines. -#}
{% macro snowflake_emulator_insert_into_landing(filenames) -%}
    {%- set prefix = snowflake_stage_path_prefix() -%}
    {%- set pattern = snowflake_files_pattern(filenames) -%}
    {%- set bucket_path = modules.re.sub('^[a-z0-9]+://', '', snowflake_stage_url().rstrip('/') ~ '/')
        if snowflake_external_stage() else none -%}
    {%- set selected = [] -%}
    {%- for name in staged_event_file_sizes().keys() | sort -%}
        {%- if modules.re.fullmatch(pattern, prefix ~ name ~ snowflake_staged_suffix()) -%}{%- do selected.append(name) -%}{%- endif -%}
    {%- endfor -%}
    insert into {{ snowflake_landing_table('lines') }} (staged_name, physical_line, line)
    {%- for name in selected %}
    select
        {{ sql_quote(prefix ~ name ~ snowflake_staged_suffix()) }},
        split_lines.index + 1,
        cast(split_lines.value as varchar)
    from read_text({{ sql_quote(bucket_path ~ name if bucket_path else absolute_local_path(data_dir() ~ '/' ~ name)) }}) as file_text,
        lateral flatten(input => split(file_text.content, chr(10))) as split_lines
    {{ "union all" if not loop.last }}
    {%- else %}
    select cast(null as varchar), 0, cast(null as varchar)
    where false
    {%- endfor %}
{%- endmacro %}

{#- Landing lines, one select of nested subqueries over `source` (landing_lines,
    or a subquery of its rows): staged_name, physical_line, blank (nothing but
    whitespace once a trailing CR is removed) and event, the line's JSON when
    it is an object (else null). -#}
{% macro snowflake_parsed_landing_lines(source=none) -%}
    select
        staged_name,
        physical_line,
        blank,
        case
            when not blank and left(ltrim(cast(line as varchar), {{ whitespace_chars() }}), 1) = '{'
                then try_parse_json(line)
        end as event
    from (
        select
            staged_name,
            physical_line,
            line,
            {{ trim_whitespace("coalesce(line, '')") }} = '' as blank
        from (
            select
                staged_name,
                physical_line,
                rtrim(cast(line as varchar), chr(13)) as line
            from {{ source or snowflake_landing_table('lines') }} as landed
        ) as unterminated
    ) as classified
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

{#- What a parsed landing line breaks of the load contract, or null: not a
    JSON object, or a missing key (a key whose value is JSON null is present:
    only a missing key is SQL NULL). -#}
{% macro snowflake_contract_violation() -%}
    case
        when blank then null
        when event is null then 'is not a JSON object'
        {%- for key in event_keys() %}
        when event:"{{ key }}" is null then 'missing key "{{ key }}"'
        {%- endfor %}
    end
{%- endmacro %}

{#- Lands the given new files: landing_lines gets their staged lines (one
    COPY), landing_manifest the load manifest of `podcast run` (internal stage
    only: it describes the loading directory; PUT to the reference stage and
    copied), and landing_files one row per file: its staged and non-blank
    lines, the physical line of its last non-blank line and of its first
    contract violation, the manifest's count, and its size and SHA-256 (the
    manifest's; on an external stage the size LIST gives, no digest).
    `listed_bytes` maps relative names to LIST's sizes. -#}
{% macro snowflake_land_event_files(filenames, listed_bytes) -%}
    {%- for name, columns in [
        ('lines', 'staged_name varchar, physical_line number(38, 0), line varchar'),
        ('manifest', 'filename varchar, row_count number(38, 0), byte_count number(38, 0), sha256 varchar, read_path varchar'),
        ('files', 'filename varchar, staged_name varchar, staged_lines number(38, 0), row_count number(38, 0),'
            ~ ' last_line number(38, 0), first_violation_line number(38, 0), checked_row_count number(38, 0),'
            ~ ' byte_count number(38, 0), sha256 varchar'),
    ] -%}
        {%- do run_query('create or replace transient table ' ~ snowflake_landing_table(name)
            ~ ' (' ~ columns ~ ') data_retention_time_in_days = 0') -%}
    {%- endfor -%}
    {%- if filenames | length == 0 -%}{{ return('') }}{%- endif -%}
    {%- do run_query(snowflake_emulator_insert_into_landing(filenames) if snowflake_emulator()
        else snowflake_copy_into_landing(filenames)) -%}
    {%- if load_manifest() and not snowflake_external_stage() -%}
        {%- do put_to_stage(load_manifest(), 'load_manifest.csv', snowflake_reference_stage()) -%}
        {%- do run_query(
            'copy into ' ~ snowflake_landing_table('manifest')
            ~ ' (filename, row_count, byte_count, sha256, read_path) from @' ~ snowflake_reference_stage()
            ~ '/' ~ load_manifest().split('/')[-1]
            ~ " file_format = (type = csv skip_header = 1 field_optionally_enclosed_by = '\"') force = true"
        ) -%}
    {%- endif -%}
    {%- set prefix = snowflake_stage_path_prefix() -%}
    {%- set query -%}
        insert into {{ snowflake_landing_table('files') }} (
            filename, staged_name, staged_lines, row_count, last_line, first_violation_line,
            checked_row_count, byte_count, sha256
        )
        select
            requested.filename,
            requested.staged_name,
            coalesce(staged.staged_lines, 0),
            coalesce(staged.row_count, 0),
            coalesce(staged.last_line, 0),
            staged.first_violation_line,
            manifest.row_count,
            coalesce(manifest.byte_count, requested.listed_bytes),
            manifest.sha256
        from (
            select column1 as filename, column2 as staged_name, column3 as listed_bytes
            from values
            {%- for name in filenames %}
                ({{ sql_quote(name) }}, {{ sql_quote(prefix ~ name ~ snowflake_staged_suffix()) }},
                    cast({{ listed_bytes.get(name, 'null') }} as number(38, 0))){{ "," if not loop.last }}
            {%- endfor %}
        ) as requested
        left join (
            select
                staged_name,
                count(*) as staged_lines,
                count_if(not blank) as row_count,
                max(iff(blank, 0, physical_line)) as last_line,
                min(iff(violation is null, null, physical_line)) as first_violation_line
            from (
                select
                    staged_name,
                    physical_line,
                    blank,
                    {{ snowflake_contract_violation() }} as violation
                from ({{ snowflake_parsed_landing_lines() }}) as parsed_lines
            ) as checked_lines
            group by staged_name
        ) as staged
            on requested.staged_name = staged.staged_name
        left join {{ snowflake_landing_table('manifest') }} as manifest
            on requested.filename = manifest.filename
    {%- endset -%}
    {%- do run_query(query) -%}
{%- endmacro %}

{#- Fails the run, before anything is loaded, naming the first line (by file,
    then physical line) that is not a JSON object holding the five keys; or a
    file whose non-blank lines on the stage are not as many as `podcast run`
    counted in the loading directory (a staged copy that differs, or lines
    split otherwise); or a listed file of which COPY read nothing. Reads the
    landing tables only. -#}
{% macro snowflake__assert_load_contract(filenames) -%}
    {%- if not execute or not flags.INTROSPECT or flags.WHICH not in ['build', 'run'] or filenames | length == 0 -%}
        {{ return('') }}
    {%- endif -%}
    {%- set files = snowflake_landing_table('files') -%}
    {%- set first = run_query(
        'select filename, staged_name, first_violation_line from ' ~ files
        ~ ' where first_violation_line is not null order by filename limit 1'
    ) -%}
    {%- if first.rows | length > 0 -%}
        {%- set line = '(select * from ' ~ snowflake_landing_table('lines') ~ ' where staged_name = '
            ~ sql_quote(first.rows[0][1]) ~ ' and physical_line = ' ~ (first.rows[0][2] | int) ~ ')' -%}
        {%- set located = run_query(
            'select ' ~ snowflake_contract_violation() ~ ' from (' ~ snowflake_parsed_landing_lines(line) ~ ') as parsed_lines'
        ) -%}
        {{ exceptions.raise_compiler_error(
            'load contract violated: file ' ~ first.rows[0][0] ~ ', line ' ~ (first.rows[0][2] | int) ~ ': ' ~ located.rows[0][0]
        ) }}
    {%- endif -%}
    {%- set differing = run_query(
        'select filename, row_count, checked_row_count, staged_lines, byte_count from ' ~ files
        ~ ' where row_count <> coalesce(checked_row_count, row_count) or (staged_lines = 0 and byte_count > 0)'
        ~ ' order by filename limit 1'
    ) -%}
    {%- if differing.rows | length > 0 -%}
        {%- set row = differing.rows[0] -%}
        {%- if row[2] is not none -%}
            {{ exceptions.raise_compiler_error(
                'load refused: file ' ~ row[0] ~ ' has ' ~ (row[1] | int) ~ ' event lines on the stage but '
                ~ (row[2] | int) ~ ' in the loading directory when podcast run checked it; nothing was loaded'
            ) }}
        {%- endif -%}
        {{ exceptions.raise_compiler_error(
            'load refused: file ' ~ row[0] ~ ' is listed on the stage (' ~ (row[4] | int)
            ~ ' bytes) but COPY read no line of it; nothing was loaded'
        ) }}
    {%- endif -%}
{%- endmacro %}

{#- One row per event line of the given files (which passed the contract),
    from the landing tables: the five keys as text (a JSON string unescaped,
    JSON null as SQL NULL, any other value as its JSON text), filename, and
    line_number, the position among the file's non-blank lines. That is the
    physical line (METADATA$FILE_ROW_NUMBER) for a file whose non-blank lines
    are numbered 1 to n, which the landing counts tell; only the lines of the
    other files, those holding a blank line, are numbered by a window. -#}
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

{#- raw_events' post-hook on Snowflake: the files just landed join the record,
    with the landing counts (equal to the manifest's, checked) and the
    manifest's size and SHA-256, exactly as on DuckDB. -#}
{% macro snowflake__record_loaded_files() -%}
    insert into {{ load_record_relation() }} (filename, load_at, row_count, byte_count, sha256)
    select filename, cast({{ sql_quote(load_at()) }} as {{ timestamp_type() }}), row_count, byte_count, sha256
    from {{ snowflake_landing_table('files') }}
{%- endmacro %}

{#- raw_events' first post-hook: the landed lines are deleted once loaded
    (DML, so inside the load's transaction; no Time Travel on the table). -#}
{% macro snowflake__drop_event_lines_scan() -%}
    delete from {{ snowflake_landing_table('lines') }}
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
