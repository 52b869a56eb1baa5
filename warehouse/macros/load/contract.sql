{#- The load contract (docs/data-contract.md, "Lines"): every non-blank
    line of a new file is a JSON object holding the five event keys, or the
    run loads nothing and fails naming the file, line and key. `podcast run`
    checks it in C++ before dbt starts; these macros check it for a
    hand-run dbt. -#}

{% macro event_keys() -%}
    {{ return(['event_type', 'user_id', 'episode_id', 'timestamp', 'duration']) }}
{%- endmacro %}

{#- The list literal of the absolute paths of the given event files. -#}
{% macro event_file_paths(filenames) -%}
    [
    {%- for name in filenames -%}
        {{ sql_quote(data_dir() ~ '/' ~ name) }}{{ ", " if not loop.last }}
    {%- endfor -%}
    ]
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
