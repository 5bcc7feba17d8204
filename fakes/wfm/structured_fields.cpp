#include "fakes/wfm/structured_fields.hpp"

#include <cstdlib>
#include <optional>

#include "fakes/wfm/openssl_codec.hpp"

namespace margo::fake::sf {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_lcalpha(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_alpha(char c) {
  return is_lcalpha(c) || (c >= 'A' && c <= 'Z');
}

bool is_tchar(char c) {
  static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  return is_alpha(c) || is_digit(c) || extra.find(c) != std::string_view::npos;
}

bool is_key_char(char c) {
  return is_lcalpha(c) || is_digit(c) || c == '_' || c == '-' || c == '.' || c == '*';
}

// One parse over one field value, following the algorithms of RFC 8941 section 4.2. Every step
// returns nullopt after recording the first failure.
class Parser {
 public:
  explicit Parser(std::string_view input) : input_(input) {}

  std::optional<Dictionary> dictionary() {
    skip_sp();
    Dictionary result;
    while (!at_end()) {
      auto key = parse_key();
      if (!key) return std::nullopt;
      std::optional<ListMember> member;
      if (peek_is('=')) {
        ++pos_;
        member = item_or_inner_list();
      } else {
        auto parameters = parse_parameters();
        if (parameters) member = Item{true, std::move(*parameters)};
      }
      if (!member) return std::nullopt;
      set_member(result, std::move(*key), std::move(*member));
      if (!after_member()) return std::nullopt;
    }
    return finish() ? std::optional<Dictionary>(std::move(result)) : std::nullopt;
  }

  std::optional<List> list() {
    skip_sp();
    List result;
    while (!at_end()) {
      auto member = item_or_inner_list();
      if (!member) return std::nullopt;
      result.push_back(std::move(*member));
      if (!after_member()) return std::nullopt;
    }
    return finish() ? std::optional<List>(std::move(result)) : std::nullopt;
  }

  std::optional<Item> single_item() {
    skip_sp();
    auto result = item();
    if (!result || !finish()) return std::nullopt;
    return result;
  }

  const std::string& error() const { return error_; }

 private:
  bool at_end() const { return pos_ >= input_.size(); }
  bool peek_is(char c) const { return !at_end() && input_[pos_] == c; }

  std::nullopt_t fail(const std::string& what) {
    if (error_.empty()) error_ = what + " at offset " + std::to_string(pos_);
    return std::nullopt;
  }

  void skip_sp() {
    while (peek_is(' ')) ++pos_;
  }
  void skip_ows() {
    while (peek_is(' ') || peek_is('\t')) ++pos_;
  }

  bool finish() {
    skip_sp();
    if (!at_end()) {
      fail("unexpected trailing characters");
      return false;
    }
    return true;
  }

  // After a list or dictionary member: optional whitespace, then the end or a comma and another member.
  bool after_member() {
    skip_ows();
    if (at_end()) return true;
    if (input_[pos_] != ',') {
      fail("expected ',' between members");
      return false;
    }
    ++pos_;
    skip_ows();
    if (at_end()) {
      fail("trailing comma");
      return false;
    }
    return true;
  }

  template <typename Entries, typename Value>
  static void set_member(Entries& entries, std::string key, Value value) {
    for (auto& entry : entries) {
      if (entry.first == key) {
        entry.second = std::move(value);
        return;
      }
    }
    entries.emplace_back(std::move(key), std::move(value));
  }

  std::optional<ListMember> item_or_inner_list() {
    if (peek_is('(')) {
      auto list = inner_list();
      if (!list) return std::nullopt;
      return ListMember(std::move(*list));
    }
    auto parsed = item();
    if (!parsed) return std::nullopt;
    return ListMember(std::move(*parsed));
  }

  std::optional<InnerList> inner_list() {
    ++pos_;  // '('
    InnerList result;
    while (!at_end()) {
      skip_sp();
      if (peek_is(')')) {
        ++pos_;
        auto parameters = parse_parameters();
        if (!parameters) return std::nullopt;
        result.parameters = std::move(*parameters);
        return result;
      }
      auto member = item();
      if (!member) return std::nullopt;
      result.items.push_back(std::move(*member));
      if (!peek_is(' ') && !peek_is(')')) return fail("expected ' ' or ')' in inner list");
    }
    return fail("unterminated inner list");
  }

  std::optional<Item> item() {
    auto value = bare_item();
    if (!value) return std::nullopt;
    auto parameters = parse_parameters();
    if (!parameters) return std::nullopt;
    return Item{std::move(*value), std::move(*parameters)};
  }

  std::optional<Parameters> parse_parameters() {
    Parameters result;
    while (peek_is(';')) {
      ++pos_;
      skip_sp();
      auto key = parse_key();
      if (!key) return std::nullopt;
      BareItem value = true;
      if (peek_is('=')) {
        ++pos_;
        auto parsed = bare_item();
        if (!parsed) return std::nullopt;
        value = std::move(*parsed);
      }
      set_member(result, std::move(*key), std::move(value));
    }
    return result;
  }

  std::optional<std::string> parse_key() {
    if (at_end() || !(is_lcalpha(input_[pos_]) || input_[pos_] == '*')) return fail("expected a key");
    const std::size_t start = pos_;
    while (!at_end() && is_key_char(input_[pos_])) ++pos_;
    return std::string(input_.substr(start, pos_ - start));
  }

  std::optional<BareItem> bare_item() {
    if (at_end()) return fail("expected an item");
    const char c = input_[pos_];
    if (c == '-' || is_digit(c)) return number();
    if (c == '"') return string();
    if (is_alpha(c) || c == '*') return token();
    if (c == ':') return byte_sequence();
    if (c == '?') return boolean();
    return fail("unexpected character starting an item");
  }

  std::optional<BareItem> number() {
    bool negative = false;
    if (peek_is('-')) {
      negative = true;
      ++pos_;
    }
    if (at_end() || !is_digit(input_[pos_])) return fail("expected a digit");
    std::string digits;
    std::optional<std::size_t> dot;
    while (!at_end()) {
      const char c = input_[pos_];
      if (is_digit(c)) {
        digits.push_back(c);
      } else if (!dot && c == '.') {
        if (digits.size() > 12) return fail("decimal has more than 12 integer digits");
        dot = digits.size();
      } else {
        break;
      }
      ++pos_;
      if (!dot && digits.size() > 15) return fail("integer has more than 15 digits");
      if (dot && digits.size() + 1 > 16) return fail("decimal is too long");
    }
    if (!dot) {
      const std::int64_t value = std::strtoll(digits.c_str(), nullptr, 10);
      return BareItem(negative ? -value : value);
    }
    const std::size_t fraction_digits = digits.size() - *dot;
    if (fraction_digits == 0) return fail("decimal ends with '.'");
    if (fraction_digits > 3) return fail("decimal has more than 3 fractional digits");
    std::int64_t thousandths = std::strtoll(digits.c_str(), nullptr, 10);
    for (std::size_t i = fraction_digits; i < 3; ++i) thousandths *= 10;
    return BareItem(Decimal{negative ? -thousandths : thousandths});
  }

  std::optional<BareItem> string() {
    ++pos_;  // '"'
    std::string result;
    while (!at_end()) {
      const char c = input_[pos_++];
      if (c == '\\') {
        if (at_end()) return fail("string ends inside an escape");
        const char escaped = input_[pos_++];
        if (escaped != '"' && escaped != '\\') return fail("invalid escape in string");
        result.push_back(escaped);
      } else if (c == '"') {
        return BareItem(std::move(result));
      } else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) {
        return fail("non-printable character in string");
      } else {
        result.push_back(c);
      }
    }
    return fail("unterminated string");
  }

  std::optional<BareItem> token() {
    const std::size_t start = pos_;
    ++pos_;
    while (!at_end() && (is_tchar(input_[pos_]) || input_[pos_] == ':' || input_[pos_] == '/')) ++pos_;
    return BareItem(Token{std::string(input_.substr(start, pos_ - start))});
  }

  std::optional<BareItem> byte_sequence() {
    ++pos_;  // ':'
    const std::size_t end = input_.find(':', pos_);
    if (end == std::string_view::npos) return fail("unterminated byte sequence");
    const std::string_view encoded = input_.substr(pos_, end - pos_);
    auto decoded = base64_decode(encoded);
    if (!decoded) return fail("invalid base64 in byte sequence");
    pos_ = end + 1;
    return BareItem(ByteSequence{std::move(*decoded)});
  }

  std::optional<BareItem> boolean() {
    ++pos_;  // '?'
    if (peek_is('1') || peek_is('0')) return BareItem(input_[pos_++] == '1');
    return fail("boolean must be ?0 or ?1");
  }

  std::string_view input_;
  std::size_t pos_ = 0;
  std::string error_;
};

Error malformed(const std::string& what, const std::string& detail) {
  return permanent_error("sf.malformed", "malformed structured field (" + what + "): " + detail);
}

std::string serialize_decimal(Decimal decimal) {
  const bool negative = decimal.thousandths < 0;
  // Parsed decimals stay below 10^15, so negation cannot overflow.
  const std::int64_t magnitude = negative ? -decimal.thousandths : decimal.thousandths;
  std::string fraction = std::to_string(magnitude % 1000);
  fraction.insert(0, 3 - fraction.size(), '0');
  while (fraction.size() > 1 && fraction.back() == '0') fraction.pop_back();
  return std::string(negative ? "-" : "") + std::to_string(magnitude / 1000) + "." + fraction;
}

std::string serialize_string(const std::string& value) {
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

Result<Dictionary> parse_dictionary(std::string_view field_value) {
  Parser parser(field_value);
  auto result = parser.dictionary();
  if (!result) return malformed("dictionary", parser.error());
  return std::move(*result);
}

Result<List> parse_list(std::string_view field_value) {
  Parser parser(field_value);
  auto result = parser.list();
  if (!result) return malformed("list", parser.error());
  return std::move(*result);
}

Result<Item> parse_item(std::string_view field_value) {
  Parser parser(field_value);
  auto result = parser.single_item();
  if (!result) return malformed("item", parser.error());
  return std::move(*result);
}

std::string serialize_bare_item(const BareItem& item) {
  struct Visitor {
    std::string operator()(std::int64_t value) const { return std::to_string(value); }
    std::string operator()(Decimal value) const { return serialize_decimal(value); }
    std::string operator()(const std::string& value) const { return serialize_string(value); }
    std::string operator()(const Token& value) const { return value.value; }
    std::string operator()(const ByteSequence& value) const { return ":" + base64_encode(value.bytes) + ":"; }
    std::string operator()(bool value) const { return value ? "?1" : "?0"; }
  };
  return std::visit(Visitor{}, item);
}

std::string serialize_parameters(const Parameters& parameters) {
  std::string out;
  for (const auto& [key, value] : parameters) {
    out += ";" + key;
    const bool* flag = std::get_if<bool>(&value);
    if (flag == nullptr || !*flag) out += "=" + serialize_bare_item(value);
  }
  return out;
}

std::string serialize_item(const Item& item) {
  return serialize_bare_item(item.value) + serialize_parameters(item.parameters);
}

std::string serialize_inner_list(const InnerList& list) {
  std::string out = "(";
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    if (i > 0) out += " ";
    out += serialize_item(list.items[i]);
  }
  return out + ")" + serialize_parameters(list.parameters);
}

const BareItem* find_parameter(const Parameters& parameters, std::string_view key) {
  for (const auto& [name, value] : parameters)
    if (name == key) return &value;
  return nullptr;
}

}  // namespace margo::fake::sf
