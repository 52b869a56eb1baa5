#pragma once
// A small DuckDB file shaped like the warehouse (same schemas, tables and views, made-up rows) so
// the read-only commands can be tested without the dbt project. The views of gold/monitoring and
// gold/analysis the commands read compute over the fake tables much as their dbt models do
// (their own logic is tested by the models' dbt unit tests).
#include <catch2/catch.hpp>

#include <filesystem>

#include "podcast/database.hpp"

namespace podcast::testing {

inline void create_fake_warehouse(const std::filesystem::path& path) {
    auto database = Database::open(path, AccessMode::read_write);
    REQUIRE(database.has_value());
    auto connection = Connection::connect(*database);
    REQUIRE(connection.has_value());
    const char* statements[] = {
        "create schema bronze",
        "create schema silver",
        "create schema gold",
        "create table bronze.raw_events (filename varchar, line_number integer, load_at timestamp)",
        "insert into bronze.raw_events values "
        "('2024-08-01/events.json', 1, '2024-08-09 10:00:00.123456'), "
        "('2024-08-01/events.json', 2, '2024-08-09 10:00:00.123456'), "
        "('2024-08-02/events.json', 1, '2024-08-10 10:00:00')",
        "create table bronze.raw_events_validated as "
        "select filename, line_number, load_at, '2024-08-09T10:00:00' as timestamp, "
        "case when line_number = 2 then ['user_id_missing', 'timestamp_malformed'] "
        "else []::varchar[] end as validation_errors from bronze.raw_events",
        "create table silver.cleansed_events as select 1 as id",
        "create table gold.fact_user_interactions as select 'u1' as user_id, 'complete' as "
        "event_type, timestamp '2024-08-09 21:00:00' as timestamp",
        "create view gold.rows_per_file as select filename, load_at, count(*) as row_count "
        "from bronze.raw_events group by filename, load_at",
        "create view gold.layer_row_counts as "
        "select 1 as pipeline_order, 'bronze' as layer, 'bronze.raw_events' as table_name, "
        "count(*) as "
        "row_count from bronze.raw_events union all "
        "select 2, 'bronze', 'bronze.raw_events_validated', count(*) "
        "from bronze.raw_events_validated union all "
        "select 3, 'silver', 'silver.cleansed_events', count(*) from silver.cleansed_events "
        "union all select 4, 'gold', 'gold.fact_user_interactions', count(*) "
        "from gold.fact_user_interactions",
        "create view gold.invalid_share_per_file as select filename, load_at, count(*) as "
        "row_count, count(*) filter (where len(validation_errors) > 0) as invalid_rows, "
        "round(count(*) filter (where len(validation_errors) > 0) / count(*), 4) as invalid_share "
        "from bronze.raw_events_validated group by filename, load_at",
        "create view gold.invalid_rows_per_load_and_code as select load_at, code, count(*) as "
        "row_count from (select load_at, unnest(validation_errors) as code "
        "from bronze.raw_events_validated) group by load_at, code",
        "create view gold.invalid_rows_per_code as select code, sum(row_count)::bigint as "
        "row_count from gold.invalid_rows_per_load_and_code group by code",
        "create view gold.q1_top_completed_episodes as "
        "select 1 as rank, 'ep-' || coalesce(strftime(getvariable('podcast_as_of'), '%Y%m%d'), "
        "'latest') "
        "as episode_id, 'pod-1' as podcast_id, 'Title, with comma' as title, 5 as completions",
        "create view gold.q2_listen_through_by_country as "
        "select 'NL' as country, 0.75::double as avg_listen_through_rate, 4 as completions",
        "create view gold.q3_multi_episode_listeners as select 12 as users",
        // Retention, as a build without retention_days leaves it: no window, nothing archived.
        "create table silver.retention_record (table_name varchar, retention_days integer, "
        "window_start date, archived_before date, archive_location varchar, loaded_through "
        "timestamp, load_at timestamp)",
        "create view gold.retention_window as select case table_name when "
        "'silver.cleansed_events' then 1 else 2 end as pipeline_order, table_name, "
        "retention_days, window_start, archived_before, archive_location, loaded_through "
        "from silver.retention_record",
        "create table gold.archived_months (pipeline_order integer, table_name varchar, month "
        "varchar, row_count bigint)",
    };
    for (const char* statement : statements) {
        INFO(statement);
        REQUIRE(connection->query(statement).has_value());
    }
}

// The fake warehouse plus what the report reads beyond the answers: the fact table, the as-of
// view, the sessions and q4.
inline void create_fake_report_warehouse(const std::filesystem::path& path) {
    create_fake_warehouse(path);
    auto database = Database::open(path, AccessMode::read_write);
    REQUIRE(database.has_value());
    auto connection = Connection::connect(*database);
    REQUIRE(connection.has_value());
    const char* statements[] = {
        "create view gold.analysis_as_of as select coalesce(getvariable('podcast_as_of'), "
        "date '2024-08-09') as as_of_date, coalesce(getvariable('podcast_as_of'), "
        "date '2024-08-09') - 6 as window_start_date, timestamp '2024-08-03 06:00:00' as "
        "first_event_at, timestamp '2024-08-09 21:00:00' as last_event_at",
        "create table gold.user_sessions as select 'u1' as user_id, timestamp '2024-08-09 "
        "21:00:00' as session_start, timestamp '2024-08-09 21:20:00' as session_end",
        "create view gold.q4_average_session_duration_per_user as select 'u1' as user_id, 1 as "
        "sessions, 1200.0::double as avg_session_duration_seconds, 900.0::double as "
        "avg_listened_seconds",
        "create view gold.q4_average_session_duration_overall as select count(*) as users, "
        "coalesce(sum(sessions), 0) as sessions, round(avg(avg_session_duration_seconds), 1) as "
        "mean_seconds, round(median(avg_session_duration_seconds), 1) as median_seconds, "
        "round(avg(avg_listened_seconds), 1) as mean_listened_seconds "
        "from gold.q4_average_session_duration_per_user",
        "create view gold.session_duration_distribution as select 4 as band, '15-30 min' as "
        "bucket, count(*) as sessions from gold.user_sessions",
        "create view gold.daily_activity as select cast(timestamp as date) as day, count(*) as "
        "events, count(distinct user_id) as active_users, count(*) filter (where event_type = "
        "'complete') as completions, 0.0::double as invalid_share "
        "from gold.fact_user_interactions group by 1",
    };
    for (const char* statement : statements) {
        INFO(statement);
        REQUIRE(connection->query(statement).has_value());
    }
}

}  // namespace podcast::testing
