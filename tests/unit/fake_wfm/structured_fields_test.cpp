#include <catch2/catch.hpp>

#include <random>

#include "fakes/wfm/structured_fields.hpp"

using namespace margo::fake;

namespace {

sf::Item item_of(std::string_view text) {
  auto parsed = sf::parse_item(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

}  // namespace

TEST_CASE("structured fields: bare items of every type") {
  CHECK(std::get<std::int64_t>(item_of("42").value) == 42);
  CHECK(std::get<std::int64_t>(item_of("-999999999999999").value) == -999999999999999);
  CHECK(std::get<sf::Decimal>(item_of("4.5").value).thousandths == 4500);
  CHECK(std::get<sf::Decimal>(item_of("-0.125").value).thousandths == -125);
  CHECK(std::get<std::string>(item_of(R"("a \"quoted\" \\ string")").value) == R"(a "quoted" \ string)");
  CHECK(std::get<sf::Token>(item_of("*foo/bar:baz").value).value == "*foo/bar:baz");
  CHECK(std::get<sf::ByteSequence>(item_of(":aGVsbG8=:").value).bytes == "hello");
  CHECK(std::get<sf::ByteSequence>(item_of(":aGVsbG8:").value).bytes == "hello");  // padding may be left out
  CHECK(std::get<bool>(item_of("?1").value) == true);
  CHECK(std::get<bool>(item_of("?0").value) == false);
}

TEST_CASE("structured fields: item parameters keep order and take the last duplicate value") {
  const auto parsed = item_of("abc;b=1;a;b=2");
  REQUIRE(parsed.parameters.size() == 2);
  CHECK(parsed.parameters[0].first == "b");
  CHECK(std::get<std::int64_t>(parsed.parameters[0].second) == 2);
  CHECK(parsed.parameters[1].first == "a");
  CHECK(std::get<bool>(parsed.parameters[1].second) == true);
}

TEST_CASE("structured fields: dictionary with inner lists, booleans and whitespace") {
  const auto parsed =
      sf::parse_dictionary(R"(  sig1=("@method" "@target-uri");created=1618884473;keyid="k",	flag, n=3;x  )");
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 3);
  const auto& [label, member] = parsed->front();
  CHECK(label == "sig1");
  const auto& list = std::get<sf::InnerList>(member);
  REQUIRE(list.items.size() == 2);
  CHECK(std::get<std::string>(list.items[1].value) == "@target-uri");
  CHECK(std::get<std::int64_t>(*sf::find_parameter(list.parameters, "created")) == 1618884473);
  CHECK(std::get<bool>(std::get<sf::Item>((*parsed)[1].second).value) == true);
  CHECK(std::get<std::int64_t>(std::get<sf::Item>((*parsed)[2].second).value) == 3);
}

TEST_CASE("structured fields: list of items and inner lists") {
  const auto parsed = sf::parse_list(R"(a, ("b" c);p=?0, 1.5)");
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 3);
  CHECK(std::get<sf::InnerList>((*parsed)[1]).items.size() == 2);
  CHECK(sf::parse_list("").ok());
  CHECK(sf::parse_list("")->empty());
}

TEST_CASE("structured fields: serialization is canonical and round-trips") {
  const auto parsed = sf::parse_dictionary(R"(s=( "a"   "b";x=?1 );created=1;d=1.50;t=tok;b=:AQID:;f=?0)");
  REQUIRE(parsed.ok());
  const auto& list = std::get<sf::InnerList>(parsed->front().second);
  const std::string serialized = sf::serialize_inner_list(list);
  CHECK(serialized == R"(("a" "b";x);created=1;d=1.5;t=tok;b=:AQID:;f=?0)");
  const auto again = sf::parse_dictionary("s=" + serialized);
  REQUIRE(again.ok());
  CHECK(sf::serialize_inner_list(std::get<sf::InnerList>(again->front().second)) == serialized);
  CHECK(sf::serialize_bare_item(std::string("q\"\\")) == R"("q\"\\")");
  CHECK(sf::serialize_bare_item(sf::Decimal{-2000}) == "-2.0");
}

TEST_CASE("structured fields: malformed input is rejected with a reason") {
  const char* dictionaries[] = {
      "a=",
      "a=1,",
      "a=1,,b=2",
      "A=1",
      "a=(1 2",
      "a=(1,2)",
      "a=\"open",
      "a=\"bad\\q\"",
      "a=:abc",
      "a=:a$b:",
      "a=?2",
      "a=1.",
      "a=1.2345",
      "a=1234567890123.1",
      "a=1234567890123456",
      "a=-",
      "a=1 b=2",
      "a=1;",
      "a=1;B=2",
      "a=\"tab\there\"",
      "a=@x",
      "a=(\"x\")y",
      ",a=1",
      "a=1 ,",
  };
  for (const char* text : dictionaries) {
    INFO(text);
    const auto parsed = sf::parse_dictionary(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == "sf.malformed");
    CHECK(parsed.error().message.find("offset") != std::string::npos);
  }
  CHECK_FALSE(sf::parse_item("").ok());
  CHECK_FALSE(sf::parse_item("1 2").ok());
}

TEST_CASE("structured fields: truncations and byte flips of valid headers never crash") {
  const std::string valid[] = {
      R"(sig1=("@method" "@target-uri" "content-digest");created=1700000000;keyid="abc";alg="ecdsa-p256-sha256")",
      R"(sig1=:MEUCIQDXrwBkMTw7qKZxHhkpR3n3jS+eSTnvVxUYo5Kfr1dUzwIgM8p3zE6xLq0N4+XU+o3OXa1o3Jq2yUaw+GJt/h1X8wI=:)",
      R"(sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:abc=:, md5=?1;q=0.5)",
  };
  std::mt19937 random(20240601);
  std::size_t accepted = 0;
  for (const auto& text : valid) {
    REQUIRE(sf::parse_dictionary(text).ok());
    CHECK_FALSE(sf::parse_dictionary(text.substr(0, text.size() - 1)).ok());
    for (std::size_t length = 0; length <= text.size(); ++length)
      accepted += sf::parse_dictionary(text.substr(0, length)).ok() ? 1 : 0;
    for (int round = 0; round < 2000; ++round) {
      std::string mutated = text;
      mutated[random() % mutated.size()] = static_cast<char>(random() % 256);
      accepted += sf::parse_dictionary(mutated).ok() ? 1 : 0;
    }
  }
  // Some prefixes and mutations are still valid dictionaries; most are not. Reaching here is the point.
  CHECK(accepted < 3 * 2000);
}
