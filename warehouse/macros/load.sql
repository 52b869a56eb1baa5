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

{#- This run's load_at: the var `podcast run` passes, else dbt's start time (UTC). -#}
{% macro load_at() -%}
    {{ return(var('load_at') or run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')) }}
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

{#- One row per non-blank line of the given files: filename, line_number,
    and the five keys as text. A line that breaks the contract aborts the
    query, so the run loads nothing. -#}
{% macro read_event_lines(filenames) -%}
    {{ return(adapter.dispatch('read_event_lines', 'podcast')(filenames)) }}
{%- endmacro %}

{% macro default__read_event_lines(filenames) -%}
    {%- set prefix_length = data_dir() | length + 2 -%}
    {%- set keys = event_keys() -%}
    with files as (
        {%- if filenames | length > 0 %}
        select substr(filename, {{ prefix_length }}) as filename, content
        from read_text([
            {%- for name in filenames %}
            {{ sql_quote(data_dir() ~ '/' ~ name) }}{{ "," if not loop.last }}
            {%- endfor %}
        ])
        {%- else %}
        select cast(null as varchar) as filename, cast(null as varchar) as content
        where false
        {%- endif %}
    ),

    split_files as (
        select filename, string_split(content, chr(10)) as file_lines
        from files
    ),

    lines as (
        select
            filename,
            generate_subscripts(file_lines, 1) as line_number,
            rtrim(unnest(file_lines), chr(13)) as line
        from split_files
    ),

    non_blank_lines as (
        select * from lines
        where trim(line, {{ whitespace_chars() }}) <> ''
    ),

    parsed as (
        select
            filename,
            line_number,
            case
                when json_valid(line) and json_type(line) = 'OBJECT'
                    then json_extract(line, [
                        {%- for key in keys %}'$."{{ key }}"'{{ ", " if not loop.last }}{% endfor %}])
            end as json_values
        from non_blank_lines
    ),

    checked as (
        select
            *,
            case
                when json_values is null then 'is not a JSON object'
                {%- for key in keys %}
                when json_values[{{ loop.index }}] is null then 'missing key "{{ key }}"'
                {%- endfor %}
            end as contract_violation
        from parsed
    )

    select
        {%- for key in keys %}
        json_extract_string(json_values[{{ loop.index }}], '$') as {{ key }},
        {%- endfor %}
        filename,
        cast(line_number as integer) as line_number
    from checked
    where
        contract_violation is null
        or error(
            'load contract violated: file ' || filename || ', line '
            || cast(line_number as varchar) || ': ' || contract_violation
        ) is null
{%- endmacro %}

{#- The reference data directory (users.csv, episodes.csv): the seeds' path. -#}
{% macro reference_dir() -%}
    {{ return(env_var('PODCAST_REFERENCE_DIR', 'fixtures/reference').rstrip('/')) }}
{%- endmacro %}
