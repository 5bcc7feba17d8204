#pragma once
// RFC 8941 Structured Field Values: the parts HTTP message signatures and Content-Digest use
// (dictionaries, lists, inner lists, items with parameters) and the serialization of inner lists.
// The parser reads attacker-controlled headers: it is strict, bounded and never throws.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "agent/ports/result.hpp"

namespace margo::fake::sf {

struct Token {
  std::string value;
  bool operator==(const Token&) const = default;
};

struct ByteSequence {
  std::string bytes;
  bool operator==(const ByteSequence&) const = default;
};

// Exact: at most 12 integer digits and 3 fractional digits, kept in thousandths.
struct Decimal {
  std::int64_t thousandths = 0;
  bool operator==(const Decimal&) const = default;
};

// Integer, Decimal, String, Token, Byte Sequence, Boolean.
using BareItem = std::variant<std::int64_t, Decimal, std::string, Token, ByteSequence, bool>;

// Ordered; a repeated key keeps its first position and takes the last value (RFC 8941 4.2.3.2).
using Parameters = std::vector<std::pair<std::string, BareItem>>;

struct Item {
  BareItem value;
  Parameters parameters;
};

struct InnerList {
  std::vector<Item> items;
  Parameters parameters;
};

using ListMember = std::variant<Item, InnerList>;
using List = std::vector<ListMember>;
// Ordered; a repeated key keeps its first position and takes the last value (RFC 8941 4.2.2).
using Dictionary = std::vector<std::pair<std::string, ListMember>>;

// Errors: code "sf.malformed", message naming the problem and its byte offset.
Result<Dictionary> parse_dictionary(std::string_view field_value);
Result<List> parse_list(std::string_view field_value);
Result<Item> parse_item(std::string_view field_value);

std::string serialize_bare_item(const BareItem& item);
std::string serialize_parameters(const Parameters& parameters);
std::string serialize_item(const Item& item);
std::string serialize_inner_list(const InnerList& list);

// The value of a parameter, or nullptr.
const BareItem* find_parameter(const Parameters& parameters, std::string_view key);

}  // namespace margo::fake::sf
