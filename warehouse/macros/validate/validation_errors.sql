{#- A list of error codes from expressions that are a code or null: the
    non-null ones, in order. -#}
{% macro error_list(expressions) -%}
    {{ return(adapter.dispatch('error_list', 'podcast')(expressions)) }}
{%- endmacro %}

{% macro default__error_list(expressions) -%}
    list_filter(
        cast([
            {%- for expression in expressions %}
            {{ expression }}{{ "," if not loop.last }}
            {%- endfor %}
        ] as varchar []),
        code -> code is not null
    )
{%- endmacro %}

{% macro snowflake__error_list(expressions) -%}
    array_compact(array_construct(
        {%- for expression in expressions %}
        {{ expression }}{{ "," if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}
