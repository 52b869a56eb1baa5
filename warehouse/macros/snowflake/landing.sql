{#- The landing tables (Snowflake): the one read of the staged text. The files
    not loaded yet are copied once, as whole lines (file, physical line,
    text), into bronze.landing_lines; the load contract (load/contract.sql),
    the line counts and the load itself (load/read_event_lines.sql) read the
    landing tables, never the staged text again. -#}

{#- The landing tables of a run, transient and replaced by every build: one
    row per staged line of the run's new files (landing_lines), one per new
    file with its counts, its first contract violation and its size and digest
    (landing_files), and the rows of the load manifest `podcast run` wrote
    (landing_manifest). -#}
{% macro snowflake_landing_table(name) -%}
    {{ return(target.database ~ '.bronze.landing_' ~ name) }}
{%- endmacro %}

{#- Lands the given new files: landing_lines gets their staged lines (one
    COPY; on the emulator, its stand-in), landing_manifest the load manifest
    (stage.sql), and landing_files one row per file (snowflake_landing_files_insert).
    `listed_bytes` maps relative names to LIST's sizes. -#}
{% macro snowflake_land_event_files(filenames, listed_bytes) -%}
    {%- do snowflake_create_landing_tables() -%}
    {%- if filenames | length == 0 -%}{{ return('') }}{%- endif -%}
    {%- do run_query(snowflake_emulator_insert_into_landing(filenames) if snowflake_emulator()
        else snowflake_copy_into_landing(filenames)) -%}
    {%- do land_load_manifest() -%}
    {%- do run_query(snowflake_landing_files_insert(filenames, listed_bytes)) -%}
{%- endmacro %}

{#- The three landing tables, empty. -#}
{% macro snowflake_create_landing_tables() -%}
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

{#- The insert of landing_files: one row per given file, with its staged and
    non-blank lines, the physical line of its last non-blank line and of its
    first contract violation, the manifest's count, and its size and SHA-256
    (the manifest's; on an external stage the size LIST gives, no digest). -#}
{% macro snowflake_landing_files_insert(filenames, listed_bytes) -%}
    {%- set prefix = snowflake_stage_path_prefix() -%}
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
