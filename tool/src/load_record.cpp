#include "podcast/load_record.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <system_error>

#include "podcast/checksum.hpp"

namespace podcast {
namespace fs = std::filesystem;
namespace {

bool table_exists(WarehouseReader& reader, const char* schema, const char* table) {
    auto found = reader.query(std::string("select count(*) from information_schema.tables where "
                                          "table_schema = '") +
                              schema + "' and table_name = '" + table + "'");
    return found && !found->rows.empty() && found->rows.front().front().value_or("0") != "0";
}

std::int64_t integer_of(const Cell& cell) { return cell ? std::stoll(*cell) : 0; }

// A load_at (UTC) as a file-clock time, to compare with a file's modification time.
std::optional<fs::file_time_type> load_time(const std::string& load_at) {
    std::tm parts{};
    double seconds = 0;
    if (std::sscanf(load_at.c_str(), "%d-%d-%d %d:%d:%lf", &parts.tm_year, &parts.tm_mon,
                    &parts.tm_mday, &parts.tm_hour, &parts.tm_min, &seconds) != 6) {
        return std::nullopt;
    }
    parts.tm_year -= 1900;
    parts.tm_mon -= 1;
    parts.tm_sec = static_cast<int>(seconds);
    const auto utc =
        std::chrono::system_clock::from_time_t(::timegm(&parts)) +
        std::chrono::microseconds(static_cast<std::int64_t>((seconds - parts.tm_sec) * 1e6));
    return std::chrono::file_clock::from_sys(utc);
}

Error changed_file_error(const LoadedFile& loaded, const std::string& how) {
    return Error{"event file " + loaded.name + " was loaded at " + loaded.load_at + " and " + how +
                     ": a loaded file is never loaded again, so its new content would be lost; "
                     "restore the loaded file, or deliver the new events under a new name",
                 ExitCode::refused};
}

std::string csv_quoted(const std::string& text) {
    std::string quoted = "\"";
    for (const char c : text) {
        quoted += c;
        if (c == '"') {
            quoted += '"';
        }
    }
    return quoted + '"';
}

// DuckDB's NDJSON reader refuses a byte-order mark, which the contract tolerates at the start of
// a file: the load reads such a file from a copy without it.
Result<void> copy_without_byte_order_mark(const fs::path& source, const fs::path& copy) {
    std::error_code error;
    fs::create_directories(copy.parent_path(), error);
    std::ifstream in(source, std::ios::binary);
    std::ofstream out(copy, std::ios::binary | std::ios::trunc);
    in.seekg(3);
    out << in.rdbuf();
    if (!in || !out.flush()) {
        return fail("could not copy " + source.string() + " without its byte-order mark to " +
                    copy.string());
    }
    return {};
}

}  // namespace

Result<LoadRecord> read_load_record(WarehouseReader& reader) {
    LoadRecord record;
    if (table_exists(reader, "bronze", "loaded_files")) {
        auto rows = reader.query(
            "select filename, strftime(load_at, '%Y-%m-%d %H:%M:%S.%f'), row_count, byte_count, "
            "sha256 "
            "from bronze.loaded_files");
        if (!rows) {
            return std::unexpected(rows.error());
        }
        for (auto& row : rows->rows) {
            LoadedFile file{row[0].value_or(""), row[1].value_or(""), integer_of(row[2]),
                            std::nullopt, row[4]};
            if (row[3]) {
                file.bytes = static_cast<std::uintmax_t>(std::stoull(*row[3]));
            }
            record.emplace(file.name, std::move(file));
        }
        return record;
    }
    if (table_exists(reader, "bronze", "raw_events")) {
        auto rows = reader.query(
            "select filename, strftime(max(load_at), '%Y-%m-%d %H:%M:%S.%f'), count(*) "
            "from bronze.raw_events group by filename");
        if (!rows) {
            return std::unexpected(rows.error());
        }
        for (auto& row : rows->rows) {
            LoadedFile file{row[0].value_or(""), row[1].value_or(""), integer_of(row[2]),
                            std::nullopt, std::nullopt};
            record.emplace(file.name, std::move(file));
        }
    }
    return record;
}

Result<LoadRecord> read_load_record(const fs::path& warehouse, LockMode lock_mode) {
    std::error_code error;
    if (!fs::exists(warehouse, error)) {
        return LoadRecord{};
    }
    auto reader = WarehouseReader::open(warehouse, lock_mode);
    if (!reader) {
        return std::unexpected(reader.error());
    }
    return read_load_record(*reader);
}

std::optional<std::string> latest_load_at(const LoadRecord& record) {
    std::optional<std::string> latest;
    for (const auto& [name, file] : record) {
        if (!latest || file.load_at > *latest) {
            latest = file.load_at;
        }
    }
    return latest;
}

Result<std::vector<std::string>> new_event_files(const fs::path& data_dir,
                                                 const std::vector<ListedFile>& listed,
                                                 const LoadRecord& record) {
    std::vector<std::string> names;
    for (const auto& file : listed) {
        const auto loaded = record.find(file.name);
        if (loaded == record.end()) {
            names.push_back(file.name);
            continue;
        }
        if (loaded->second.bytes && *loaded->second.bytes != file.bytes) {
            return std::unexpected(changed_file_error(
                loaded->second, "now holds " + std::to_string(file.bytes) + " bytes instead of " +
                                    std::to_string(*loaded->second.bytes)));
        }
        // Only a file modified since its load can hold other content of the same size: hashing
        // just those keeps a run with nothing new from reading every file again.
        const auto loaded_time = load_time(loaded->second.load_at);
        if (loaded->second.sha256 && (!loaded_time || file.modified > *loaded_time)) {
            auto sha256 = sha256_file(data_dir / file.name);
            if (!sha256) {
                return std::unexpected(sha256.error());
            }
            if (*sha256 != *loaded->second.sha256) {
                return std::unexpected(
                    changed_file_error(loaded->second, "was changed since (another SHA-256)"));
            }
        }
    }
    return names;
}

Result<void> write_load_manifest(const fs::path& manifest, const fs::path& data_dir,
                                 const std::vector<CheckedFile>& files) {
    std::error_code error;
    const fs::path unmarked = manifest.parent_path() / "unmarked";
    fs::remove_all(unmarked, error);
    fs::create_directories(manifest.parent_path(), error);
    const fs::path temporary = manifest.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << "filename,row_count,byte_count,sha256,read_path\n";
        for (const auto& file : files) {
            fs::path read_path = fs::absolute(data_dir / file.name);
            if (file.byte_order_mark) {
                read_path = unmarked / file.name;
                if (auto copied = copy_without_byte_order_mark(data_dir / file.name, read_path);
                    !copied) {
                    return copied;
                }
            }
            // Names are safe (A-Z a-z 0-9 . _ - /); a path may hold any character but a glob.
            out << file.name << ',' << file.rows << ',' << file.bytes << ',' << file.sha256 << ','
                << csv_quoted(read_path.string()) << '\n';
        }
        if (!out.flush()) {
            return fail("could not write the load manifest " + temporary.string());
        }
    }
    fs::rename(temporary, manifest, error);
    if (error) {
        return fail("could not write the load manifest " + manifest.string() + ": " +
                    error.message());
    }
    return {};
}

}  // namespace podcast
