with users as (
    select * from {{ ref('users') }}
)

select
    user_id,
    signup_date,
    country
from users
