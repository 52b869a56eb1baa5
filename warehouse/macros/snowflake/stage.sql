{#- The Snowflake load's plumbing (docs/snowflake.md): the stage the event
    files are read from, the file formats and the reference stage, PUT, the
    stage's listing and the pattern that selects files on it, the purge of
    files no longer to load, and the load manifest PUT to the reference
    stage. Event files reach the stage by PUT from the loading directory
    (internal stage), or producers write them there (external stage); a
    file's path inside the stage is its path relative to the loading
    directory. -#}

{#- The stage the event files are read from: var snowflake_stage (an external
    stage, say), else the internal stage <database>.bronze.event_files. -#}
{% macro snowflake_stage() -%}
    {{ return(var('snowflake_stage', none) or target.database ~ '.bronze.event_files') }}
{%- endmacro %}

{#- True when the event stage is an external one (var snowflake_stage). -#}
{% macro snowflake_external_stage() -%}
    {{ return(var('snowflake_stage', none) is not none) }}
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

{#- What a file's staged name has after its relative name: ".gz" on the
    internal stage, where PUT compresses each file (auto_compress), nothing on
    an external one (producers' files are read as written; Snowflake detects
    gzip by itself). -#}
{% macro snowflake_staged_suffix() -%}
    {{ return('' if snowflake_external_stage() else '.gz') }}
{%- endmacro %}

{#- The event files on the stage, by relative name, with their staged size in
    bytes (compressed on the internal stage): every *.json file, none with a
    part starting with '.'. -#}
{% macro staged_event_file_sizes() -%}
    {%- set listed = run_query('list @' ~ snowflake_stage()) -%}
    {%- set url_prefix = none -%}
    {%- if listed.rows | length > 0 and modules.re.match('^[a-z0-9]+://', listed.rows[0][0]) -%}
        {%- set url_prefix = snowflake_stage_url().rstrip('/') ~ '/' -%}
    {%- endif -%}
    {%- set sizes = {} -%}
    {%- for row in listed.rows -%}
        {%- set relative = staged_relative_name(row[0], url_prefix) -%}
        {%- if relative.endswith('.json') and not modules.re.search('(^|/)[.]', relative) -%}
            {%- do sizes.update({relative: row[1] | int}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(sizes) }}
{%- endmacro %}

{#- A name LIST gives, as a relative name without the staged suffix ('' for
    a name outside the stage). LIST names a file of an internal stage
    "<stage name>/<path>", of an external one "<stage url><path>" (url_prefix,
    none for an internal stage). -#}
{% macro staged_relative_name(listed_name, url_prefix) -%}
    {%- if url_prefix is not none and listed_name.startswith(url_prefix) -%}
        {%- set relative = listed_name[url_prefix | length:] -%}
    {%- elif url_prefix is none and '/' in listed_name -%}
        {%- set relative = listed_name.split('/', 1)[1] -%}
    {%- else -%}
        {%- set relative = '' -%}
    {%- endif -%}
    {%- if snowflake_staged_suffix() and relative.endswith(snowflake_staged_suffix()) -%}
        {%- set relative = relative[:-(snowflake_staged_suffix() | length)] -%}
    {%- endif -%}
    {{ return(relative) }}
{%- endmacro %}

{#- The purge of the internal stage: every staged event file not among
    `kept` (a file loaded before, or withdrawn from the loading directory) is
    removed, so the stage holds only what is to load. The emulator has no
    REMOVE: with var snowflake_emulator nothing is removed (a leftover staged
    file is never read there, see emulator.sql). -#}
{% macro purge_event_stage(kept) -%}
    {%- if snowflake_emulator() -%}{{ return('') }}{%- endif -%}
    {%- for name in staged_event_file_sizes().keys() | reject('in', kept) | sort -%}
        {%- do run_query('remove @' ~ snowflake_stage() ~ '/' ~ name ~ snowflake_staged_suffix()) -%}
    {%- endfor -%}
{%- endmacro %}

{#- A text as a regular expression matching exactly that text: every
    metacharacter of Snowflake's (POSIX extended) regular expressions escaped
    with a backslash; sql_quote then doubles each backslash for the literal. -#}
{% macro regex_literal(text) -%}
    {{ return(modules.re.sub('([][.^$*+?(){}|\\\\])', '\\\\\\1', text)) }}
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

{#- The load manifest `podcast run` wrote, PUT to the reference stage and
    copied into landing_manifest (internal stage only: it describes the
    loading directory). -#}
{% macro land_load_manifest() -%}
    {%- if not load_manifest() or snowflake_external_stage() -%}{{ return('') }}{%- endif -%}
    {%- do put_to_stage(load_manifest(), 'load_manifest.csv', snowflake_reference_stage()) -%}
    {%- do run_query(
        'copy into ' ~ snowflake_landing_table('manifest')
        ~ ' (filename, row_count, byte_count, sha256, read_path) from @' ~ snowflake_reference_stage()
        ~ '/' ~ load_manifest().split('/')[-1]
        ~ " file_format = (type = csv skip_header = 1 field_optionally_enclosed_by = '\"') force = true"
    ) -%}
{%- endmacro %}
