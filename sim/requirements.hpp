#pragma once
// The conformance checklist of the device client (../shared/spec/margo-api.md section 7) as far as the
// scenarios check it: each expectation key of a scenario file names the checklist items it shows, by
// number, so a run reads as a conformance table. A scenario may name other items for a key
// (`expect.requirements`), where its story shows something more specific.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace margo::sim {

// A short title of a checklist item, in our words; empty for an item no scenario checks.
std::string_view requirement_title(int item);
// Every item some expectation key names by default, ascending.
std::vector<int> known_requirements();

// The items an expectation key shows unless the scenario says otherwise; the key is the scenario
// file's (`manifestVersion`, `statusSequence`).
std::vector<int> default_requirements(std::string_view expectation_key);
// Expectation keys that exist, for checking `expect.requirements`.
bool is_expectation_key(std::string_view key);

}  // namespace margo::sim
