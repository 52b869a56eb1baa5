{#- A seed holds as many rows as its CSV file has records. -#}
{% test row_count_matches_csv(model, csv_file) %}
    {{ return(adapter.dispatch('test_row_count_matches_csv', 'podcast')(model, csv_file)) }}
{% endtest %}
