{#- Retention (docs/data-contract.md, "Retention"). With var retention_days
    set, silver.cleansed_events and gold.fact_user_interactions keep the
    events of the window: a UTC timestamp on or after the date of the run's
    "now" less retention_days days. Every other event of theirs is in the
    archive, each exactly once: the archive is append-only, and a table never
    holds a key the archive holds.

    Each table's post-hook (archive_outside_window), inside the model's
    transaction, (1) writes the rows older than the window whose key the
    archive does not hold yet to new files (write_archive.sql), (2) deletes
    every row older than the window, and (3) records the window in
    silver.retention_record (record.sql). The files are written before the
    commit, under names no earlier run used: a run stopped after they are
    written and before the commit leaves rows in the archive that its
    rolled-back table still holds; the next run's anti-join finds them there,
    writes nothing for them and deletes them. Bronze keeps every row.

    This folder by what each file does: window.sql (the window), location.sql
    (where the archive is, file names), list_files.sql, read_archive.sql,
    write_archive.sql, record.sql, and the Snowflake statements the emulator
    cannot run (snowflake_statements.sql); each DuckDB macro beside its
    Snowflake one. -#}

{#- The post-hook of the archived tables. `key`: the table's unique key
    columns; `archive_casts`: how columns are cast in the archive
    (archived_column); `upstream`: the archived table this one takes its
    rows from, whose every load it has taken in once it has run (a load
    whose rows upstream archived or dropped as archived duplicates leaves
    nothing here but is taken in all the same). -#}
{% macro archive_outside_window(key, archive_casts={}, upstream=none) -%}
    {%- if not execute -%}{{ return('select 1') }}{%- endif -%}
    {%- set cutoff = retention_cutoff() -%}
    {%- set recorded = recorded_window(this) -%}
    {#- Rows before `bound` may be archived already: those before the window
        always; those from its start to the start of an earlier window that
        began later (the window lengthened, or "now" moved back) too. -#}
    {%- set bound = latest([cutoff, recorded.archived_before]) -%}
    {%- set loaded_through = latest([
        recorded.loaded_through,
        run_query('select ' ~ timestamp_text('max(load_at)') ~ ' from ' ~ this).columns[0].values()[0],
        recorded_window(upstream).loaded_through if upstream else none
    ]) -%}
    {%- if bound -%}
        {%- set months_query -%}
            select distinct {{ month_text('timestamp') }} from {{ this }}
            where timestamp < cast({{ sql_quote(bound) }} as date)
        {%- endset -%}
        {%- set months = run_query(months_query).columns[0].values() | list -%}
        {%- set archived = archive_files(this, months) if months else [] -%}
        {%- set in_archive = in_archive_condition(key, archived, archive_casts) -%}
        {%- if cutoff and months -%}
            {%- do adapter.dispatch('archive_rows_before', 'podcast')(cutoff, in_archive, archive_casts) -%}
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

{#- The condition that a row of {{ this }} has its key in the given archive
    files (an anti-join's EXISTS), or none when there is no file. -#}
{% macro in_archive_condition(key, archived, archive_casts) -%}
    {%- if not archived -%}{{ return(none) }}{%- endif -%}
    {%- set condition -%}
        exists (
            select 1 from ({{ archived_select(this, archived, columns=key, casts=archive_casts) }}) as archived
            where
            {%- for column in key %}
                archived.{{ column }} = {{ archived_column(column, archive_casts, this.identifier ~ '.') }}{{ " and" if not loop.last }}
            {%- endfor %}
        )
    {%- endset -%}
    {{ return(condition) }}
{%- endmacro %}
