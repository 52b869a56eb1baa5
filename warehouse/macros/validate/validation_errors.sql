{#- validation_errors: the codes of the rules a row breaks, in the documented
    order (var validation_codes). raw_events_validated computes one column per
    code, named for it, holding the code when the row breaks that rule and
    null otherwise; this gathers the non-null ones, in that order. -#}
{% macro gather_validation_errors() -%}
    {{ return(adapter.dispatch('gather_validation_errors', 'podcast')(var('validation_codes'))) }}
{%- endmacro %}

{#- Most rows break no rule: for them the empty list is written directly,
    and only the others build and filter a list (about 1 s less at 10M). -#}
{% macro default__gather_validation_errors(code_columns) -%}
    case
        when coalesce({{ code_columns | join(', ') }}) is null then cast([] as varchar[])
        else list_filter(
            cast([{{ code_columns | join(', ') }}] as varchar[]),
            code -> code is not null
        )
    end
{%- endmacro %}

{% macro snowflake__gather_validation_errors(code_columns) -%}
    array_compact(array_construct({{ code_columns | join(', ') }}))
{%- endmacro %}
