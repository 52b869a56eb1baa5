{#- The window retention keeps (post_hook.sql). The var retention_days is
    read and checked with the other vars (macros/settings.sql). -#}

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

{#- The latest of the given texts (dates, or timestamps as timestamp_text
    prints them), ignoring none; none if all are none. -#}
{% macro latest(texts) -%}
    {%- set given = texts | reject('none') | map('string') | list -%}
    {{ return(given | max if given else none) }}
{%- endmacro %}
