{#- Incremental by filename: only files not loaded yet are read. Every row of
    a run shares that run's load_at. -#}
{{ config(post_hook="{{ drop_event_lines_scan() }}") }}
{%- set filenames = new_event_files() -%}
{%- do assert_load_contract(filenames) -%}

with event_lines as (
    {{ read_event_lines(filenames) }}
),

stamped as (
    select
        event_type,
        user_id,
        episode_id,
        timestamp,
        duration,
        filename,
        line_number,
        cast('{{ load_at() }}' as {{ timestamp_type() }}) as load_at
    from event_lines
)

select * from stamped
