#include "common/strict_json.hpp"

#include <set>
#include <vector>

namespace rspf {
namespace {

// Why `text` is not strict JSON, or "" (then `out` holds its value).
std::string parseInto(std::string_view text, nlohmann::json& out) {
  if (text.find('\0') != std::string_view::npos) return "a NUL byte at offset " + std::to_string(text.find('\0'));
  std::vector<std::set<std::string>> names;  // member names of each open object
  std::string problem;
  auto check = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    // `depth` counts the containers open before this one starts.
    const bool opens = event == Event::object_start || event == Event::array_start;
    if (opens && static_cast<std::size_t>(depth) >= kMaxJsonDepth && problem.empty())
      problem = "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
    if (event == Event::object_start) {
      names.emplace_back();
    } else if (event == Event::object_end) {
      if (!names.empty()) names.pop_back();
    } else if (event == Event::key && !names.empty()) {
      if (!names.back().insert(parsed.get<std::string>()).second && problem.empty())
        problem = "a duplicate member name";
    }
    return true;
  };
  try {
    out = nlohmann::json::parse(text.begin(), text.end(), check, /*allow_exceptions=*/true,
                                /*ignore_comments=*/false);
  } catch (const nlohmann::json::parse_error& e) {
    return "syntax error at byte " + std::to_string(e.byte);
  } catch (const nlohmann::json::exception& e) {
    return "malformed (error " + std::to_string(e.id) + ")";
  }
  return problem;
}

}  // namespace

nlohmann::json parseStrictJson(std::string_view text, std::string_view what, ErrorCode code) {
  nlohmann::json out;
  auto problem = parseInto(text, out);
  if (!problem.empty()) throw Error(code, std::string(what) + " is not valid JSON: " + problem);
  return out;
}

nlohmann::json parseStrictJsonOrDiscarded(std::string_view text) {
  nlohmann::json out;
  if (!parseInto(text, out).empty()) return nlohmann::json(nlohmann::json::value_t::discarded);
  return out;
}

}  // namespace rspf
