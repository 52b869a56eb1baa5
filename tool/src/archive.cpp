#include "podcast/archive.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <system_error>

namespace podcast {
namespace fs = std::filesystem;
namespace {

constexpr std::array<ArchivedTable, 2> tables = {{
    {"silver", "cleansed_events", "cleansed_events_archive"},
    {"gold", "fact_user_interactions", "fact_user_interactions_archive"},
}};

// A SQL string literal: quotes doubled (DuckDB reads no backslash escapes in '...').
std::string literal(std::string_view text) {
    std::string quoted = "'";
    for (const char c : text) {
        quoted += c;
        if (c == '\'') {
            quoted += '\'';
        }
    }
    return quoted + "'";
}

std::string identifier(std::string_view name) {
    std::string quoted = "\"";
    for (const char c : name) {
        quoted += c;
        if (c == '"') {
            quoted += '"';
        }
    }
    return quoted + "\"";
}

// An archive file's folder: month=YYYY-MM.
bool is_month_folder(const fs::path& folder) {
    const std::string name = folder.filename().string();
    return name.size() == 13 && name.starts_with("month=");
}

bool is_complete_file(const fs::path& file) {
    const std::string name = file.filename().string();
    return name.starts_with("run-") && name.ends_with(".parquet");
}

bool is_unfinished_file(const fs::path& file) {
    return file.filename().string().starts_with("tmp_");
}

// Every regular file in the month folders of every archived table below `archive_dir`, with no
// link followed.
Result<std::vector<fs::path>> month_folder_files(const fs::path& archive_dir) {
    std::vector<fs::path> files;
    std::error_code error;
    for (const auto& table : tables) {
        const fs::path table_dir = archive_dir / table.name;
        if (!fs::is_directory(fs::symlink_status(table_dir, error))) {
            continue;
        }
        for (const auto& month : fs::directory_iterator(table_dir, error)) {
            if (!month.is_directory(error) || month.is_symlink(error) ||
                !is_month_folder(month.path())) {
                continue;
            }
            for (const auto& file : fs::directory_iterator(month.path(), error)) {
                if (file.is_regular_file(error) && !file.is_symlink(error)) {
                    files.push_back(file.path());
                }
            }
            if (error) {
                break;
            }
        }
        if (error) {
            return fail("could not list the archive " + table_dir.string() + ": " +
                        error.message());
        }
    }
    std::ranges::sort(files);
    return files;
}

Result<void> sync_path(const fs::path& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) {
        return fail("could not open " + path.string() + " to sync it: " + std::strerror(errno));
    }
    const bool synced = ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    if (!synced) {
        return fail("could not sync " + path.string() + ": " + std::strerror(saved));
    }
    return {};
}

// A table's columns and their types, in order (none when the table does not exist).
Result<std::vector<std::pair<std::string, std::string>>> columns_of(Connection& connection,
                                                                    const ArchivedTable& table) {
    auto result = connection.query(
        "select column_name, data_type from information_schema.columns where table_schema = " +
        literal(table.schema) + " and table_name = " + literal(table.name) +
        " order by ordinal_position");
    if (!result) {
        return std::unexpected(result.error());
    }
    std::vector<std::pair<std::string, std::string>> columns;
    for (const auto& row : result->to_table().rows) {
        columns.emplace_back(row.at(0).value_or(""), row.at(1).value_or(""));
    }
    return columns;
}

// The view's SELECT: the files with the table's columns and types plus `month`; with no file, no
// row (and the same columns when the table exists).
std::string archive_view_sql(const ArchivedTable& table,
                             const std::vector<std::pair<std::string, std::string>>& columns,
                             const std::vector<fs::path>& files) {
    if (files.empty()) {
        if (columns.empty()) {
            return "select cast(null as varchar) as month where false";
        }
        return "select *, cast(null as varchar) as month from " + identifier(table.schema) + "." +
               identifier(table.name) + " where false";
    }
    std::string list;
    for (const auto& file : files) {
        list += (list.empty() ? "" : ", ") + literal(file.string());
    }
    std::string select;
    for (const auto& [name, type] : columns) {
        select += "cast(" + identifier(name) + " as " + type + ") as " + identifier(name) + ", ";
    }
    return "select " + (columns.empty() ? std::string("* exclude (month), ") : select) +
           "month from read_parquet([" + list +
           "], hive_partitioning = true, hive_types = {'month': 'varchar'})";
}

}  // namespace

std::span<const ArchivedTable> archived_tables() { return tables; }

std::string window_start(std::chrono::year_month_day today, std::int64_t days) {
    using namespace std::chrono;
    const sys_days first_day = sys_days{year{1} / January / 1};
    const sys_days day = sys_days{today};
    const std::int64_t at_most = (day - first_day).count();
    const year_month_day start{day - sys_days::duration{std::min(days, at_most)}};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(start.year()),
                  static_cast<unsigned>(start.month()), static_cast<unsigned>(start.day()));
    return text;
}

fs::path default_archive_dir(const fs::path& warehouse) {
    fs::path dir = warehouse;
    dir += ".archive";
    return dir;
}

std::vector<fs::path> recorded_archive_dirs(Connection& connection, const fs::path& warehouse) {
    std::vector<fs::path> dirs;
    auto recorded =
        connection.query("select distinct archive_location from gold.retention_window order by 1");
    if (recorded) {
        for (const auto& row : recorded->to_table().rows) {
            if (row.at(0) && !row.at(0)->empty()) {
                dirs.emplace_back(*row.at(0));
            }
        }
    }
    // A warehouse moved with its archive still finds it beside itself.
    const fs::path beside = default_archive_dir(warehouse);
    if (std::ranges::find(dirs, beside) == dirs.end()) {
        dirs.push_back(beside);
    }
    std::error_code error;
    std::ranges::stable_partition(
        dirs, [&](const fs::path& dir) { return fs::is_directory(dir, error); });
    return dirs;
}

std::vector<fs::path> archive_files(const fs::path& archive_dir, std::string_view table) {
    std::vector<fs::path> files;
    auto listed = month_folder_files(archive_dir);
    if (!listed) {
        return files;
    }
    const fs::path table_dir = archive_dir / table;
    for (const auto& file : *listed) {
        if (file.parent_path().parent_path() == table_dir && is_complete_file(file)) {
            files.push_back(file);
        }
    }
    return files;
}

Result<void> create_archive_views(Connection& connection, const fs::path& archive_dir) {
    for (const auto& table : tables) {
        auto columns = columns_of(connection, table);
        if (!columns) {
            return std::unexpected(columns.error());
        }
        const std::string sql =
            "create or replace temporary view " + identifier(table.view) + " as " +
            archive_view_sql(table, *columns, archive_files(archive_dir, table.name));
        if (auto created = connection.query(sql); !created) {
            return fail("could not read the archive " + (archive_dir / table.name).string() + ": " +
                        created.error().message);
        }
    }
    return {};
}

Result<std::size_t> remove_unfinished_archive_files(const fs::path& archive_dir) {
    auto files = month_folder_files(archive_dir);
    if (!files) {
        return std::unexpected(files.error());
    }
    std::size_t removed = 0;
    for (const auto& file : *files) {
        if (!is_unfinished_file(file)) {
            continue;
        }
        std::error_code error;
        if (!fs::remove(file, error) && error) {
            return fail("could not remove the unfinished archive file " + file.string() + ": " +
                        error.message());
        }
        ++removed;
    }
    return removed;
}

Result<void> sync_archive_files(const fs::path& archive_dir, fs::file_time_type since) {
    auto files = month_folder_files(archive_dir);
    if (!files) {
        return std::unexpected(files.error());
    }
    std::set<fs::path> directories;
    for (const auto& file : *files) {
        std::error_code error;
        const auto modified = fs::last_write_time(file, error);
        if (!is_complete_file(file) || error || modified < since) {
            continue;
        }
        if (auto synced = sync_path(file, O_RDONLY); !synced) {
            return synced;
        }
        directories.insert(file.parent_path());
        directories.insert(file.parent_path().parent_path());
    }
    if (!directories.empty()) {
        directories.insert(archive_dir);
    }
    for (const auto& directory : directories) {
        if (auto synced = sync_path(directory, O_RDONLY | O_DIRECTORY); !synced) {
            return synced;
        }
    }
    return {};
}

}  // namespace podcast
