with episodes as (
    select * from {{ ref('episodes') }}
)

select
    episode_id,
    podcast_id,
    title,
    release_date,
    duration_seconds
from episodes
