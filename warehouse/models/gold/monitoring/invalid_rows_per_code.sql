{#- One row per validation code any row breaks: how many rows break it, over
    every load. The report's data quality per code. -#}
with per_load as (
    select * from {{ ref('invalid_rows_per_load_and_code') }}
)

select
    code,
    cast(sum(row_count) as bigint) as row_count
from per_load
group by code
