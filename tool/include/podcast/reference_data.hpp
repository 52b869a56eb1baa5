#pragma once
// The reference data (users.csv, episodes.csv) as a run takes it in: each file read as RFC 4180
// CSV (libcsv, strict), its columns found by header name, every value checked, and written again
// in the one form the dbt seeds load (exactly the required columns, in canonical order, every
// value quoted), so that dbt never sees a column or a value it could coerce. Nothing here touches
// the warehouse: a file refused leaves the previous reference data in place.
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "podcast/result.hpp"

namespace podcast {

enum class ValueKind {
    id,                // non-empty, no leading or trailing whitespace, unique when it is the key
    text,              // non-empty
    date,              // YYYY-MM-DD, a real calendar day
    positive_integer,  // ASCII digits only, 1 to 2147483647 (a 32-bit INTEGER); written without
                       // leading zeros
};

struct ReferenceColumn {
    std::string_view name;
    ValueKind kind;
};

struct ReferenceFile {
    std::string_view name;                 // users.csv
    std::vector<ReferenceColumn> columns;  // canonical order; the first is the key
};

// users.csv and episodes.csv, with their required columns.
std::span<const ReferenceFile> reference_files();

// A checked file: its records' required values, in canonical column order, normalised.
struct ReferenceRows {
    std::vector<std::vector<std::string>> rows;
};

// Checks CSV text as `file`; `shown_path` names it in errors. ExitCode::refused, one line naming
// the path, the line and the column or key: a missing or repeated column, a record whose field
// count differs from the header's, a malformed quote, invalid UTF-8, an empty value, a value of the
// wrong kind, a duplicate key. One UTF-8 byte-order mark at the start is skipped; CRLF, LF and
// blank lines are accepted; quoted values may hold commas, quotes and line breaks.
Result<ReferenceRows> parse_reference_csv(std::string_view content, const ReferenceFile& file,
                                          const std::string& shown_path);

// Reads `path` and checks it (ExitCode::not_found if it cannot be read).
Result<ReferenceRows> read_reference_file(const std::filesystem::path& path,
                                          const ReferenceFile& file);

// The normalised copy as text: the header, then each record, every value quoted, CRLF line ends.
std::string normalised_csv(const ReferenceFile& file, const ReferenceRows& rows);

// Writes the normalised copy to `path` (through a temporary file and a rename).
Result<void> write_reference_file(const std::filesystem::path& path, const ReferenceFile& file,
                                  const ReferenceRows& rows);

}  // namespace podcast
