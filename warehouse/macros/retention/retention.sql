{#- Retention (docs/data-contract.md, "Retention"). With var retention_days
    set, silver.cleansed_events and gold.fact_user_interactions keep the
    events of the window: a UTC timestamp on or after the date of the run's
    "now" less retention_days days. Every other event of theirs is in the
    archive, each exactly once: the archive is append-only, and a table never
    holds a key the archive holds.

    Each table's post-hook (archive_outside_window), inside the model's
    transaction, (1) writes the rows older than the window whose key the
    archive does not hold yet to new files, (2) deletes every row older than
    the window, and (3) records the window in silver.retention_record. The
    files are written before the commit, under names no earlier run used: a
    run stopped after they are written and before the commit leaves rows in
    the archive that its rolled-back table still holds; the next run's
    anti-join finds them there, writes nothing for them and deletes them.
    Bronze keeps every row. -#}

{#- The var retention_days: a positive integer, or none when it is not set
    (keep everything). Refused otherwise before any SQL runs, as `podcast
    run` refuses it (tool/src/settings.cpp). -#}
{% macro retention_days() -%}
    {%- set days = var('retention_days', none) -%}
    {%- if days is none or days == '' -%}{{ return(none) }}{%- endif -%}
    {%- set text = days | string -%}
    {%- if days is boolean or not modules.re.fullmatch('[1-9][0-9]{0,9}', text) or text | int > 2147483647 -%}
        {{ refuse_var('retention_days', 'a positive integer', days) }}
    {%- endif -%}
    {{ return(text | int) }}
{%- endmacro %}

{#- The first day of the window, 'YYYY-MM-DD': the UTC date of the run's
    "now" (var now, else the run's start, as for timestamp_out_of_range) less
    retention_days days; none without retention_days. -#}
{% macro retention_cutoff() -%}
    {%- set days = retention_days() -%}
    {%- if days is none -%}{{ return(none) }}{%- endif -%}
    {%- set now = timestamp_var('now', run_started_at.strftime('%Y-%m-%d %H:%M:%S')) -%}
    {%- set today = modules.datetime.date(now[0:4] | int, now[5:7] | int, now[8:10] | int) -%}
    {%- set days = [days, (today - modules.datetime.date.min).days] | min -%}
    {{ return((today - modules.datetime.timedelta(days=days)).isoformat()) }}
{%- endmacro %}

{#- Where the archive lives: on DuckDB a directory, var archive_dir, by
    default the warehouse file's path with ".archive" appended (podcast run
    passes the warehouse as an absolute path). Its parent must exist. -#}
{% macro archive_dir() -%}
    {{ return(adapter.dispatch('archive_dir', 'podcast')()) }}
{%- endmacro %}

{% macro default__archive_dir() -%}
    {%- set dir = var('archive_dir', none) -%}
    {%- if dir is none or dir == '' -%}
        {%- set dir = target.path ~ '.archive' -%}
    {%- endif -%}
    {%- if dir is not string or modules.re.search('[*?\\[\\]{}\\x00-\\x1f\\x7f]', dir) -%}
        {{ refuse_var('archive_dir', 'a directory path without control or glob characters (* ? [ ] { })', dir) }}
    {%- endif -%}
    {{ return(dir.rstrip('/') if dir != '/' else dir) }}
{%- endmacro %}

{#- The archive of one table: <archive_dir>/<table name>. -#}
{% macro table_archive_dir(relation) -%}
    {{ return(archive_dir() ~ '/' ~ relation.identifier) }}
{%- endmacro %}

{#- The record of each archived table's window (silver.retention_record): one
    row per table, replaced by the table's post-hook in the model's own
    transaction. archived_before: every archived row of the table is older
    than it (the latest window start ever applied); loaded_through: the
    latest load_at the table has taken in, which stays even when the rows of
    that load have left the table. -#}
{% macro retention_record_relation() -%}
    {{ return(api.Relation.create(database=target.database, schema='silver', identifier='retention_record')) }}
{%- endmacro %}

{#- on-run-start: the record's table, when a build or run starts on a
    warehouse without it. -#}
{% macro create_retention_record() -%}
    {%- if execute and flags.WHICH in ['build', 'run'] -%}
        {%- set record = retention_record_relation() -%}
        {%- if adapter.get_relation(database=record.database, schema=record.schema, identifier=record.identifier) is none -%}
            {%- do adapter.create_schema(record) -%}
            {%- call statement('create_retention_record') -%}
                create table {{ record }} (
                    table_name varchar not null,
                    retention_days integer,
                    window_start date,
                    archived_before date,
                    archive_location varchar not null,
                    loaded_through {{ timestamp_type() }},
                    load_at {{ timestamp_type() }} not null
                )
            {%- endcall -%}
            {%- do adapter.commit() -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- 'schema.table', the record's key for a relation. -#}
{% macro retention_table_name(relation) -%}
    {{ return(relation.schema ~ '.' ~ relation.identifier) }}
{%- endmacro %}

{#- The latest load_at this model has taken in: the latest in the table, or
    the record's loaded_through when the rows of later loads have all left
    the table for the archive. A scalar subquery. -#}
{% macro taken_in_through() -%}
    (
        select max(taken_in.load_at)
        from (
            select max(load_at) as load_at from {{ this }}
            union all
            select loaded_through as load_at from {{ retention_record_relation() }}
            where table_name = {{ sql_quote(retention_table_name(this)) }}
        ) as taken_in
    )
{%- endmacro %}

{#- The incremental filter of the archived tables: rows of loads this model
    has not taken in yet. -#}
{% macro loaded_after_taken_in() -%}
    load_at > coalesce({{ taken_in_through() }}, cast('1900-01-01' as {{ timestamp_type() }}))
{%- endmacro %}

{#- The rows of `upstream`'s archive this model has not taken in yet, with
    upstream's columns and types: on an incremental run the rows with a
    later load_at than this model's, read from the files of runs after it
    (late events upstream archived in the run that loaded them; rows that
    left upstream while this model had not run); every archived row on a
    full refresh or a first build. A select of no row when there is none. -#}
{% macro archived_not_taken_in(upstream) -%}
    {%- set files = archive_files(upstream) if execute else [] -%}
    {%- set since = none -%}
    {%- if files and is_incremental() -%}
        {%- set since = run_query('select ' ~ timestamp_text(taken_in_through())).columns[0].values()[0] -%}
    {%- endif -%}
    {%- set unread = [] -%}
    {%- for file in files -%}
        {%- if since is none or file[2] > archive_stamp(since) -%}{%- do unread.append(file) -%}{%- endif -%}
    {%- endfor -%}
    {{ archived_select(upstream, unread, since=since) }}
{%- endmacro %}

{#- The rows archived from `relation` (its columns), optionally only those of
    the given months: for data tests. A subquery. -#}
{% macro archived_rows(relation, months=none) -%}
    ({{ archived_select(relation, archive_files(relation, months) if execute else []) }})
{%- endmacro %}

{#- A load_at 'YYYY-MM-DD HH:MM:SS[.f...]' as 'YYYYMMDDTHHMMSSffffff': the
    stamp that starts an archive file's name, ordered as the load_at. -#}
{% macro archive_stamp(load_at_text) -%}
    {%- set text = load_at_text | string -%}
    {{ return(text[0:4] ~ text[5:7] ~ text[8:10] ~ 'T' ~ text[11:13] ~ text[14:16] ~ text[17:19] ~ (text[20:] ~ '000000')[0:6]) }}
{%- endmacro %}

{#- An archive file's name: run-<stamp of this run's load_at>-<dbt's
    invocation id>.parquet, unique per run. -#}
{% macro archive_file_name() -%}
    {{ return('run-' ~ archive_stamp(load_at()) ~ '-' ~ invocation_id ~ '.parquet') }}
{%- endmacro %}

{#- The complete archive files of a table, [path, month, stamp] each by path,
    optionally only those of the given months: <table archive>/month=YYYY-MM/
    run-<stamp>-<invocation>.parquet. -#}
{% macro archive_files(relation, months=none) -%}
    {%- set files = [] -%}
    {%- for path in archive_file_paths(relation) | sort -%}
        {%- set parts = path.split('/') -%}
        {%- set month = parts[-2][6:] -%}
        {%- if parts[-2].startswith('month=') and parts[-1].startswith('run-') and parts[-1].endswith('.parquet')
            and (months is none or month in months) -%}
            {%- do files.append([path, month, parts[-1][4:25]]) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(files) }}
{%- endmacro %}

{#- Every file of a table's archive, by path. On DuckDB, DuckDB writes each
    file as tmp_run-... and renames it when complete: the glob never matches
    an unfinished one. -#}
{% macro archive_file_paths(relation) -%}
    {{ return(adapter.dispatch('archive_file_paths', 'podcast')(relation)) }}
{%- endmacro %}

{% macro default__archive_file_paths(relation) -%}
    {%- set pattern = table_archive_dir(relation) ~ '/month=*/run-*.parquet' -%}
    {{ return(run_query('select file from glob(' ~ sql_quote(pattern) ~ ')').columns[0].values() | list) }}
{%- endmacro %}

{#- A select of the given archive files' rows with `relation`'s columns (or
    only `columns`), each cast to the relation's type or to `casts`'s;
    optionally only the rows loaded after `since`. No row without a file. -#}
{% macro archived_select(relation, files, columns=none, since=none, casts={}) -%}
    {%- if not files -%}
    {#- No introspection here: `dbt compile` on an empty Snowflake database
        must not describe a table that is not built yet. -#}
    select {{ columns | join(', ') if columns else '*' }} from {{ relation }} where false
    {%- else -%}
    {%- set typed = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- set name = column.name | lower -%}
        {%- if columns is none or name in columns -%}
            {%- do typed.append([name, casts[name] if name in casts else column.data_type]) -%}
        {%- endif -%}
    {%- endfor -%}
    select * from (
        {{ adapter.dispatch('archived_files_select', 'podcast')(files, typed, since) }}
    ) as archived
    {%- if since %}
    where archived.load_at > cast({{ sql_quote(since) }} as {{ timestamp_type() }})
    {%- endif %}
    {%- endif -%}
{%- endmacro %}

{% macro default__archived_files_select(files, typed, since) -%}
    select
        {%- for name, type in typed %}
        cast({{ name }} as {{ type }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
        {%- if since and 'load_at' not in (typed | map('first') | list) %},
        load_at
        {%- endif %}
    from read_parquet([{%- for file in files %}{{ sql_quote(file[0]) }}{{ ", " if not loop.last }}{% endfor -%}])
{%- endmacro %}

{#- A column as it is archived: as it is, or cast as `archive_casts` says
    (an ENUM as text; a HUGEINT as DECIMAL(38, 0), since DuckDB writes a
    HUGEINT to Parquet as a DOUBLE). -#}
{% macro archived_column(column, archive_casts, prefix='') -%}
    {%- if column in archive_casts -%}
        cast({{ prefix }}{{ column }} as {{ archive_casts[column] }})
    {%- else -%}
        {{ prefix }}{{ column }}
    {%- endif -%}
{%- endmacro %}

{#- Text forms the macros compare: 'YYYY-MM' of a timestamp (an archive
    month), 'YYYY-MM-DD' of a date, and a timestamp as its target prints it
    (text order is time order within a target). -#}
{% macro month_text(expression) -%}
    {{ return(adapter.dispatch('month_text', 'podcast')(expression)) }}
{%- endmacro %}

{% macro default__month_text(expression) -%}
    strftime({{ expression }}, '%Y-%m')
{%- endmacro %}

{% macro date_text(expression) -%}
    {{ return(adapter.dispatch('date_text', 'podcast')(expression)) }}
{%- endmacro %}

{% macro default__date_text(expression) -%}
    cast({{ expression }} as varchar)
{%- endmacro %}

{% macro timestamp_text(expression) -%}
    {{ return(adapter.dispatch('timestamp_text', 'podcast')(expression)) }}
{%- endmacro %}

{% macro default__timestamp_text(expression) -%}
    cast({{ expression }} as varchar)
{%- endmacro %}

{#- The post-hook of the archived tables: see the top of this file. `key`:
    the table's unique key columns; `archive_casts`: how columns are cast in
    the archive (archived_column). -#}
{% macro archive_outside_window(key, archive_casts={}) -%}
    {%- if not execute -%}{{ return('select 1') }}{%- endif -%}
    {%- set cutoff = retention_cutoff() -%}
    {%- set recorded = recorded_window(this) -%}
    {#- Rows before `bound` may be archived already: those before the window
        always; those from its start to the start of an earlier window that
        began later (the window lengthened, or "now" moved back) too. -#}
    {%- set bound = latest([cutoff, recorded.archived_before]) -%}
    {%- set loaded_through = latest([
        recorded.loaded_through,
        run_query('select ' ~ timestamp_text('max(load_at)') ~ ' from ' ~ this).columns[0].values()[0]
    ]) -%}
    {%- if bound -%}
        {%- set months_query -%}
            select distinct {{ month_text('timestamp') }} from {{ this }}
            where timestamp < cast({{ sql_quote(bound) }} as date)
        {%- endset -%}
        {%- set months = run_query(months_query).columns[0].values() | list -%}
        {%- set archived = archive_files(this, months) if months else [] -%}
        {%- set in_archive -%}
            exists (
                select 1 from ({{ archived_select(this, archived, columns=key, casts=archive_casts) }}) as archived
                where
                {%- for column in key %}
                    archived.{{ column }} = {{ archived_column(column, archive_casts, this.identifier ~ '.') }}{{ " and" if not loop.last }}
                {%- endfor %}
            )
        {%- endset -%}
        {%- if cutoff and months -%}
            {%- do adapter.dispatch('archive_rows_before', 'podcast')(cutoff, in_archive if archived else none, archive_casts) -%}
            {%- call statement('delete_outside_window') -%}
                delete from {{ this }} where timestamp < cast({{ sql_quote(cutoff) }} as date)
            {%- endcall -%}
        {%- endif -%}
        {%- if archived and bound != cutoff -%}
            {%- call statement('delete_archived') -%}
                delete from {{ this }}
                where timestamp < cast({{ sql_quote(bound) }} as date) and {{ in_archive }}
            {%- endcall -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(record_window(this, cutoff, bound, loaded_through)) }}
{%- endmacro %}

{#- The latest of the given texts (dates, or timestamps as timestamp_text
    prints them), ignoring none; none if all are none. -#}
{% macro latest(texts) -%}
    {%- set given = texts | reject('none') | map('string') | list -%}
    {{ return(given | max if given else none) }}
{%- endmacro %}

{#- The recorded window of a table: archived_before and loaded_through as
    text, each none when not recorded. -#}
{% macro recorded_window(relation) -%}
    {%- set query -%}
        select {{ date_text('archived_before') }}, {{ timestamp_text('loaded_through') }}
        from {{ retention_record_relation() }}
        where table_name = {{ sql_quote(retention_table_name(relation)) }}
    {%- endset -%}
    {%- set rows = run_query(query).rows -%}
    {{ return({
        'archived_before': rows[0][0] if rows else none,
        'loaded_through': rows[0][1] if rows else none,
    }) }}
{%- endmacro %}

{#- Step (1) of the post-hook on DuckDB: the rows of {{ this }} before
    `cutoff` that are not in the archive (`in_archive`: the condition that a
    row is; none when the months concerned have no archive file) written to
    one new file per month. Each goes to a temporary name (tmp_run-...) and
    is renamed when complete (DuckDB closes it first; it does not fsync it).
    DuckDB creates no directory for a plain COPY: ensure_directory does. -#}
{% macro default__archive_rows_before(cutoff, in_archive, archive_casts) -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- call statement('select_rows_to_archive') -%}
        create or replace temporary table podcast_rows_to_archive as
        select
            {%- for column in columns %}
            {{ archived_column(column, archive_casts, this.identifier ~ '.') }} as {{ column }},
            {%- endfor %}
            {{ month_text(this.identifier ~ '.timestamp') }} as archive_month
        from {{ this }}
        where {{ this.identifier }}.timestamp < cast({{ sql_quote(cutoff) }} as date)
        {%- if in_archive %}
            and not {{ in_archive }}
        {%- endif %}
    {%- endcall -%}
    {%- set months = run_query('select distinct archive_month from podcast_rows_to_archive order by 1').columns[0].values() | list -%}
    {%- if months -%}
        {%- do ensure_directory(archive_dir()) -%}
        {%- do ensure_directory(table_archive_dir(this)) -%}
    {%- endif -%}
    {%- for month in months -%}
        {%- set month_dir = table_archive_dir(this) ~ '/month=' ~ month -%}
        {%- do ensure_directory(month_dir) -%}
        {%- call statement('archive_month') -%}
            copy (
                select * exclude (archive_month) from podcast_rows_to_archive
                where archive_month = {{ sql_quote(month) }}
                order by timestamp
            ) to {{ sql_quote(month_dir ~ '/' ~ archive_file_name()) }} (format parquet, use_tmp_file true)
        {%- endcall -%}
    {%- endfor -%}
    {%- call statement('drop_rows_to_archive') -%}
        drop table temp.main.podcast_rows_to_archive
    {%- endcall -%}
{%- endmacro %}

{#- A directory, created if it is missing, its parent existing. DuckDB has no
    statement that only creates a directory; a partitioned COPY creates its
    target directory, and with no row it writes no file (overwrite_or_ignore
    leaves whatever the directory holds alone). -#}
{% macro ensure_directory(path) -%}
    {%- call statement('ensure_directory') -%}
        copy (select 1 as partition, 1 as value where false) to {{ sql_quote(path) }}
            (format parquet, partition_by (partition), overwrite_or_ignore true)
    {%- endcall -%}
{%- endmacro %}

{#- The statement that records a table's window, the post-hook's last: after
    it, only the commit. -#}
{% macro record_window(relation, cutoff, archived_before, loaded_through) -%}
    {%- set record = retention_record_relation() -%}
    {%- set days = retention_days() -%}
    {%- call statement('forget_window') -%}
        delete from {{ record }} where table_name = {{ sql_quote(retention_table_name(relation)) }}
    {%- endcall -%}
    insert into {{ record }} (
        table_name, retention_days, window_start, archived_before, archive_location, loaded_through, load_at
    )
    select
        {{ sql_quote(retention_table_name(relation)) }},
        {{ days if days is not none else 'null' }},
        {{ 'cast(' ~ sql_quote(cutoff) ~ ' as date)' if cutoff else 'null' }},
        {{ 'cast(' ~ sql_quote(archived_before) ~ ' as date)' if archived_before else 'null' }},
        {{ sql_quote(archive_dir()) }},
        {{ 'cast(' ~ sql_quote(loaded_through) ~ ' as ' ~ timestamp_type() ~ ')' if loaded_through else 'null' }},
        cast({{ sql_quote(load_at()) }} as {{ timestamp_type() }})
{%- endmacro %}
