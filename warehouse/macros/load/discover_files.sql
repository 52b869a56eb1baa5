{#- The load step, first part: which event files are new. `podcast run`
    names them in a manifest it writes after checking them; a hand-run dbt
    lists the loading directory and leaves out the files the record holds. -#}

{#- The loading directory without a trailing slash; a relative path is taken
    from the directory dbt runs in (`podcast run` always passes an absolute one). -#}
{% macro data_dir() -%}
    {%- set dir = var('data_dir') | string -%}
    {{ return(dir.rstrip('/') if dir != '/' else dir) }}
{%- endmacro %}

{#- The manifest `podcast run` writes after checking the new event files
    against the load contract (PODCAST_LOAD_MANIFEST: a CSV of filename,
    row_count, byte_count, sha256), or '' when dbt runs by hand. -#}
{% macro load_manifest() -%}
    {{ return(run_env_var('PODCAST_LOAD_MANIFEST')) }}
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
    {%- set record = load_record_relation() -%}
    {#- No record yet (a compile before any build, as the linter's): nothing is loaded. -#}
    {%- set recorded = adapter.get_relation(database=record.database, schema=record.schema, identifier=record.identifier) -%}
    {%- set query -%}
        with found as (
            select substr(file, {{ prefix_length }}) as filename
            from glob({{ sql_quote(data_dir() ~ '/**/*.json') }})
        )
        select filename
        from found
        where not regexp_matches(filename, '(^|/)[.]')
            {%- if recorded is not none %}
            and filename not in (select filename from {{ recorded }})
            {%- endif %}
        order by filename
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}

{#- Snowflake: new files, staged and landed (snowflake/stage.sql,
    snowflake/landing.sql). Internal stage: the loading directory's event
    files named by var event_files (the caller lists them; dbt cannot list
    local directories) that the record does not hold, PUT to the stage.
    External stage: its listing less the record (producers withdraw a file by
    deleting it). Only when building; `dbt compile` or `docs generate`
    create, PUT or copy nothing. -#}
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
    {{ return(new_external_stage_files(loaded) if snowflake_external_stage() else new_local_event_files(loaded)) }}
{%- endmacro %}

{#- The external stage's event files that the record does not hold, landed. -#}
{% macro new_external_stage_files(loaded) -%}
    {%- set listed = staged_event_file_sizes() -%}
    {%- set new_files = listed.keys() | reject('in', loaded) | sort -%}
    {%- do snowflake_land_event_files(new_files, listed) -%}
    {{ return(new_files) }}
{%- endmacro %}

{#- var event_files less the record, landed through the internal stage: first
    every other staged file (loaded, or withdrawn from the loading directory)
    is removed from the stage, then each new file is PUT. -#}
{% macro new_local_event_files(loaded) -%}
    {%- for name in var('event_files', none) or [] -%}
        {#- As `podcast run` checks them: the names are a PUT's path and a pattern's text. -#}
        {%- if name is not string or not modules.re.fullmatch('([A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*[.]json', name) -%}
            {{ refuse_var('event_files', 'relative names of A-Z a-z 0-9 . _ - and /, ending in .json, no part starting with "."', name) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set new_files = (var('event_files', none) or []) | reject('in', loaded) | sort -%}
    {%- set requested = {} -%}
    {%- for name in new_files -%}{%- do requested.update({name: true}) -%}{%- endfor -%}
    {%- do purge_event_stage(requested) -%}
    {%- for name in new_files -%}
        {%- do put_to_stage(data_dir() ~ '/' ~ name, name, compress=true) -%}
    {%- endfor -%}
    {%- do snowflake_land_event_files(new_files, {}) -%}
    {{ return(new_files) }}
{%- endmacro %}
