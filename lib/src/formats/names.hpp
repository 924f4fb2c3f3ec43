// Private: author names as reference files write them, parsed into
// Author's family / given / initials / suffix, or a collective (group) name.
//
// Used read-only by the tagged readers (RIS, MEDLINE, Web of Science) and
// free for any other reader to use.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <litrev/record.hpp>

namespace litrev {

// Parses one author name. Recognised forms:
//   "Smith, John A."  "Smith, J.A."  "Smith,J. A."  "Smith, JA" (WoS)
//   "Smith JA" (MEDLINE AU: trailing upper-case initials)
//   "J. A. Smith"  "John Smith"  "Ludwig van Beethoven" (particles stay with
//   the family name)  "Taylor, Purcell Jr." / "Smith, John, Jr." (suffix)
// A name without a comma that reads like an organisation ("World Health
// Organization", "Name of a Research Center") becomes a collective author.
// A given part made of initials only ("J.A.", "JA") leaves `given` empty and
// fills `initials`. An empty or blank name gives an empty Author.
Author parse_author_name(std::string_view name);

// A group author named `name` (white space folded).
Author collective_author(std::string_view name);

// The initials of given names: "John A." -> "JA", "J.-P." -> "JP",
// "Basavaradhya Sahukar" -> "BS". Non-ASCII initials are kept whole.
std::string initials_of(std::string_view given);

// The names in one author field: split on ';', and on ',' when every
// comma-separated piece is a "Surname Initials" name ("Golde T. E., DeKosky
// S. T." as some EndNote exports write several authors in one AU line).
std::vector<std::string> split_author_list(std::string_view value);

// True when `a` has no name at all.
bool author_is_empty(const Author& a);

} // namespace litrev
