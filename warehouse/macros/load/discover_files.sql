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
