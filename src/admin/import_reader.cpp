#include "admin/import_reader.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "admin/csv_table.hpp"
#include "common/error.hpp"
#include "common/strict_json.hpp"

namespace rspf::admin {
namespace {

using Traits = std::streambuf::traits_type;

constexpr std::array<std::string_view, 12> kCsvColumns = {
    "enroleeId", "kpmId",  "kpmHex", "rawPublicKey",   "deviceId",   "deviceTrustAnchor",
    "gbaImpi",   "expiry", "token",  "registrarCseId", "directKeys", "enrolmentApproval"};

std::string trimmed(std::string s) {
  auto notSpace = [](unsigned char c) { return c != ' ' && c != '\t'; };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
  s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
  return s;
}

std::vector<std::string> csvHeader(CsvReader& reader) {
  auto first = reader.next();
  if (!first) throw Error(ErrorCode::BadRequest, "CSV: no header line");
  std::vector<std::string> header;
  for (auto& name : first->fields) {
    name = trimmed(name);
    if (!name.empty() && name.front() == '\xef') name.erase(0, 3);  // a UTF-8 byte order mark
    if (std::find(kCsvColumns.begin(), kCsvColumns.end(), name) == kCsvColumns.end())
      throw Error(ErrorCode::BadRequest, "CSV: unknown column '" + name + "' in the header");
    if (std::find(header.begin(), header.end(), name) != header.end())
      throw Error(ErrorCode::BadRequest, "CSV: column '" + name + "' appears twice in the header");
    header.push_back(name);
  }
  if (std::find(header.begin(), header.end(), "enroleeId") == header.end())
    throw Error(ErrorCode::BadRequest, "CSV: the header must name an enroleeId column");
  return header;
}

void readCsvRows(std::streambuf& in, const std::function<void(ImportRow)>& sink) {
  CsvReader reader(in);
  const auto header = csvHeader(reader);
  std::size_t number = 0;
  while (auto record = reader.next()) {
    ImportRow row;
    row.number = ++number;
    const auto& fields = record->fields;
    if (fields.size() != header.size()) {
      row.readError = "line " + std::to_string(record->line) + " has " + std::to_string(fields.size()) +
                      " fields, the header " + std::to_string(header.size());
    } else {
      row.fields = nlohmann::json::object();
      for (std::size_t c = 0; c < header.size(); ++c)
        if (auto value = trimmed(fields[c]); !value.empty()) row.fields[header[c]] = value;
    }
    sink(std::move(row));
  }
}

Error notJson(const std::string& why) { return Error(ErrorCode::BadRequest, "the import is not valid JSON: " + why); }

bool isJsonSpace(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The next byte that is not JSON whitespace, not consumed.
int peekNonSpace(std::streambuf& in) {
  int c = in.sgetc();
  while (isJsonSpace(c)) {
    in.sbumpc();
    c = in.sgetc();
  }
  return c;
}

// Cuts the next array element out of the stream: its text up to the ',' or ']' that ends it
// (returned in `end`), outside strings and nested values. Its syntax is the strict parser's to check.
std::string cutElement(std::streambuf& in, std::size_t number, int& end) {
  std::string text;
  int depth = 0;
  bool inString = false;
  for (;;) {
    const int c = in.sbumpc();
    if (c == Traits::eof()) throw notJson("it ends inside the array");
    const char ch = Traits::to_char_type(c);
    if (!inString && depth == 0 && (ch == ',' || ch == ']')) {
      end = ch;
      return text;
    }
    if (text.size() >= kMaxImportElementBytes)
      throw Error(ErrorCode::BadRequest, "the import's element " + std::to_string(number) + " is over " +
                                             std::to_string(kMaxImportElementBytes / 1024) + " KiB");
    text += ch;
    if (inString) {
      if (ch == '\\') {
        const int escaped = in.sbumpc();
        if (escaped == Traits::eof()) throw notJson("it ends inside a string");
        text += Traits::to_char_type(escaped);
      } else if (ch == '"') {
        inString = false;
      }
    } else if (ch == '"') {
      inString = true;
    } else if (ch == '{' || ch == '[') {
      if (++depth > static_cast<int>(kMaxJsonDepth)) throw notJson("nested too deeply");
    } else if (ch == '}' || ch == ']') {
      if (--depth < 0) throw notJson("a bracket closes what was not opened");
    }
  }
}

void readJsonRows(std::streambuf& in, const std::function<void(ImportRow)>& sink) {
  const int first = peekNonSpace(in);
  if (first == '{') throw Error(ErrorCode::BadRequest, "a JSON import is an array of Enrolees");
  if (first != '[') throw notJson(first == Traits::eof() ? "it is empty" : "it does not start with '['");
  in.sbumpc();
  if (peekNonSpace(in) == ']') {
    in.sbumpc();  // an empty array
  } else {
    for (std::size_t number = 1;; ++number) {
      int end = 0;
      std::string text = cutElement(in, number, end);
      auto element = parseStrictJsonOrDiscarded(text);
      if (element.is_discarded()) throw notJson("element " + std::to_string(number) + " is not a JSON value");
      ImportRow row;
      row.number = number;
      if (element.is_object())
        row.fields = std::move(element);
      else
        row.readError = "an Enrolee must be a JSON object";
      sink(std::move(row));
      if (end == ']') break;
    }
  }
  if (peekNonSpace(in) != Traits::eof()) throw notJson("bytes follow the array");
}

}  // namespace

std::optional<ImportFormat> parseImportFormat(std::string_view name) {
  if (name == "csv") return ImportFormat::Csv;
  if (name == "json") return ImportFormat::Json;
  return std::nullopt;
}

void readImportRows(std::streambuf& in, ImportFormat format, const std::function<void(ImportRow)>& sink) {
  if (format == ImportFormat::Csv)
    readCsvRows(in, sink);
  else
    readJsonRows(in, sink);
}

}  // namespace rspf::admin
