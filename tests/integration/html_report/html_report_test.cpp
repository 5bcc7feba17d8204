// margo-sim's HTML report, as a browser sees it: Debian's headless chromium loads the page (fresh
// profile, no network), reports no console message (the page has no scripts and fetches nothing, so
// any message is a fault), and its DOM holds every requirement row of the run, failed ones marked.
// A screenshot is kept next to the test as an artefact: build/tests/integration/html_report/report.png.
// The JUnit file of the same run is read by Python's XML parser, a stack of its own.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "sim/conformance_report.hpp"
#include "sim/scenario.hpp"
#include "tests/integration/agent_process/child_process.hpp"

using namespace margo::sim;
using margo::test::ChildProcess;
using margo::test::read_text_file;

namespace {

const std::string kWorkDir = MARGO_BINARY_DIR "/tests/integration/html_report";
const std::string kChromium = "/usr/bin/chromium";

// A scenario whose manifestVersion expectation cannot hold: rows 45, 58 and 59 fail.
const char* const kFailingScenario = R"(name: wrong-version
seed: 3
duration: 5m
events:
  - at: 1m
    deployments:
      - {id: d-1, type: compose, components: [web]}
expect:
  manifestVersion: 9
  deployments: {d-1: installed}
)";

int run_to_end(const std::vector<std::string>& argv, const std::string& name) {
  ChildProcess process(argv, kWorkDir + "/" + name + ".out", kWorkDir + "/" + name + ".err");
  return process.wait(std::chrono::seconds(120));
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

std::vector<std::string> chromium(const std::string& profile, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {kChromium,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-background-networking",
                                   "--no-first-run",
                                   "--enable-logging=stderr",
                                   "--v=0",
                                   "--user-data-dir=" + profile};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

}  // namespace

TEST_CASE("the HTML report loads in headless chromium with no console message and every requirement row") {
  REQUIRE(std::filesystem::exists(kChromium));  // ci/setup.sh installs Debian's chromium
  std::filesystem::create_directories(kWorkDir);
  const std::string failing = kWorkDir + "/wrong-version.yaml";
  std::ofstream(failing) << kFailingScenario;
  const std::string passing = MARGO_SOURCE_ROOT "/scenarios/quickstart.yaml";
  const std::string report = kWorkDir + "/report.html";
  std::filesystem::remove(report);

  const std::string junit = kWorkDir + "/report.xml";
  const int code = run_to_end({MARGO_BINARY_DIR "/bin/margo-sim", "run", passing, failing, "--quiet",
                               "--html", report, "--junit", junit},
                              "margo-sim");
  CHECK(code == 1);  // one scenario failed
  const std::string html = read_text_file(report);
  REQUIRE_FALSE(html.empty());
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));  // only the SVG namespace

  // The rows the report must show: those of each run, computed the same way.
  std::size_t rows = 0;
  std::size_t failed_rows = 0;
  for (const std::string& path : {passing, failing}) {
    auto scenario = load_scenario_file(path);
    REQUIRE(scenario.ok());
    for (const auto& row : requirement_rows(run_scenario(*scenario))) {
      ++rows;
      failed_rows += row.passed ? 0 : 1;
    }
  }
  CHECK(failed_rows == 3);

  // The JUnit file as another stack reads it: Python's XML parser, counting testcases and failures.
  const std::string count_script =
      "import sys, xml.etree.ElementTree as ET; root = ET.parse(sys.argv[1]).getroot(); "
      "print(len(root.findall('.//testcase')), len(root.findall('.//failure')))";
  REQUIRE(run_to_end({"/usr/bin/python3", "-c", count_script, junit}, "junit-check") == 0);
  CHECK(read_text_file(kWorkDir + "/junit-check.out") ==
        std::to_string(rows) + " " + std::to_string(failed_rows) + "\n");

  const std::string profile = kWorkDir + "/chromium-profile";
  std::filesystem::remove_all(profile);
  REQUIRE(run_to_end(chromium(profile, {"--dump-dom", "file://" + report}), "dump-dom") == 0);
  const std::string dom = read_text_file(kWorkDir + "/dump-dom.out");
  const std::string log = read_text_file(kWorkDir + "/dump-dom.err");
  INFO(log);
  CHECK(log.find(":CONSOLE(") == std::string::npos);
  CHECK(count_of(dom, "<tr class=\"pass\" data-item=") + count_of(dom, "<tr class=\"fail\" data-item=") ==
        rows);
  CHECK(count_of(dom, "<tr class=\"fail\" data-item=") == failed_rows);
  CHECK(dom.find("<svg") != std::string::npos);
  CHECK(dom.find("margo-sim run " + failing + " --seed 3") != std::string::npos);

  const std::string screenshot = kWorkDir + "/report.png";
  std::filesystem::remove(screenshot);
  REQUIRE(run_to_end(chromium(profile,
                              {"--window-size=1280,2400", "--screenshot=" + screenshot, "file://" + report}),
                     "screenshot") == 0);
  const std::string png = read_text_file(screenshot);
  CHECK(png.rfind("\x89PNG", 0) == 0);
}
