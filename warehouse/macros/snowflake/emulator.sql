{#- What exists only to run the prod target on the emulator (fakesnow), for
    the emulator test: var snowflake_emulator switches each of these on, and
    nothing else (docs/snowflake.md, "Emulator gaps"). On a real account
    every macro here leaves Snowflake's and dbt-snowflake's own SQL
    unchanged. -#}

{#- True when var snowflake_emulator is set (the emulator test sets it). -#}
{% macro snowflake_emulator() -%}
    {{ return(var('snowflake_emulator', false) in [true, 'true', 'True', 1, '1']) }}
{%- endmacro %}

{#- The emulator's stand-in for the COPY into landing_lines (it cannot query
    staged files): the staged files the very same pattern selects (matched in
    full, as Snowflake's PATTERN is) are read with its own engine: an
    internal stage's from the loading directory they were PUT from, an
    external stage's by their bucket path (the emulator's --external-storage
    serves it), split on newlines. -#}
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
