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

{#- Snowflake: fails the run, before anything is loaded, naming the first
    line (by file, then physical line) that is not a JSON object holding the
    five keys; or a file whose non-blank lines on the stage are not as many
    as `podcast run` counted in the loading directory (a staged copy that
    differs, or lines split otherwise); or a listed file of which COPY read
    nothing. Reads the landing tables only (snowflake/landing.sql). -#}
{% macro snowflake__assert_load_contract(filenames) -%}
    {%- if not execute or not flags.INTROSPECT or flags.WHICH not in ['build', 'run'] or filenames | length == 0 -%}
        {{ return('') }}
    {%- endif -%}
    {%- do refuse_first_landed_violation() -%}
    {%- do refuse_differing_landed_counts() -%}
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

{#- "load contract violated: file F, line N: ..." for the first landed line
    that breaks the contract, if any: landing_files holds each file's first
    such line; only that line is parsed again, to say what it breaks. -#}
{% macro refuse_first_landed_violation() -%}
    {%- set first = run_query(
        'select filename, staged_name, first_violation_line from ' ~ snowflake_landing_table('files')
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
{%- endmacro %}

{#- "load refused: file F ..." for the first landed file whose event lines
    are not as many as the manifest's count, or of which COPY read nothing
    though LIST gave it a size. -#}
{% macro refuse_differing_landed_counts() -%}
    {%- set differing = run_query(
        'select filename, row_count, checked_row_count, staged_lines, byte_count from ' ~ snowflake_landing_table('files')
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
