#include "fakes/helm_cli/fake_helm_cluster.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace margo::fake {
namespace {

namespace fs = std::filesystem;

// 2024-01-01T00:00:00Z: the logical clock's origin.
constexpr std::time_t kClockOrigin = 1704067200;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("fake-helm cluster: " + what);
}

std::string read_text(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) fail("cannot read " + file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Temp file, then rename: a reader never sees half a file, even with another fake-helm running.
void write_text(const std::string& file, const std::string& text) {
  const std::string temp = file + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) fail("cannot write " + temp);
    out << text;
    if (!out.flush()) fail("cannot write " + temp);
  }
  std::error_code error;
  fs::rename(temp, file, error);
  if (error) fail("cannot rename " + temp + " to " + file + ": " + error.message());
}

void make_directories(const std::string& directory) {
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) fail("cannot create " + directory + ": " + error.message());
}

}  // namespace

std::string FakeHelmCluster::directory_for(const std::string& kubeconfig_path) {
  const fs::path parent = fs::path(kubeconfig_path).parent_path();
  return (parent.empty() ? fs::path(".") : parent).string() + "/fake-cluster";
}

FakeHelmCluster FakeHelmCluster::create(const std::string& kubeconfig_path) {
  write_text(kubeconfig_path,
             "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: "
             "https://127.0.0.1:6443\n"
             "contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: fake\ncurrent-context: fake\n"
             "users:\n- name: fake\n  user: {}\n");
  ::chmod(kubeconfig_path.c_str(), 0600);
  FakeHelmCluster cluster(directory_for(kubeconfig_path));
  make_directories(cluster.path("namespaces/default/releases"));
  make_directories(cluster.path("knobs"));
  return cluster;
}

FakeHelmCluster::FakeHelmCluster(std::string directory) : directory_(std::move(directory)) {}

FakeHelmCluster::FakeHelmCluster(FakeHelmCluster&& other) noexcept
    : directory_(std::move(other.directory_)), lock_fd_(other.lock_fd_), lock_depth_(other.lock_depth_) {
  other.lock_fd_ = -1;
  other.lock_depth_ = 0;
}

FakeHelmCluster::~FakeHelmCluster() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

FakeHelmCluster::Lock::Lock(const FakeHelmCluster& cluster) : cluster_(cluster) {
  if (cluster_.lock_depth_++ > 0) return;
  if (cluster_.lock_fd_ < 0) {
    make_directories(cluster_.directory_);
    cluster_.lock_fd_ = ::open(cluster_.path(".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (cluster_.lock_fd_ < 0) {
      --cluster_.lock_depth_;
      fail("cannot open " + cluster_.path(".lock"));
    }
  }
  while (::flock(cluster_.lock_fd_, LOCK_EX) != 0) {
    if (errno != EINTR) {
      --cluster_.lock_depth_;
      fail("cannot lock " + cluster_.path(".lock"));
    }
  }
}

FakeHelmCluster::Lock::~Lock() {
  if (--cluster_.lock_depth_ == 0) ::flock(cluster_.lock_fd_, LOCK_UN);
}

std::optional<nlohmann::json> FakeHelmCluster::read_json(const std::string& file) const {
  if (!fs::exists(file)) return std::nullopt;
  auto value = nlohmann::json::parse(read_text(file), nullptr, false);
  if (value.is_discarded()) fail(file + " is not JSON");
  return value;
}

void FakeHelmCluster::write_json(const std::string& file, const nlohmann::json& value) const {
  make_directories(fs::path(file).parent_path().string());
  write_text(file, value.dump(2) + "\n");
}

void FakeHelmCluster::add_chart(const std::string& reference, const std::vector<std::string>& versions) {
  Lock lock(*this);
  nlohmann::json charts = read_json(path("charts.json")).value_or(nlohmann::json::object());
  charts[reference] = versions;
  write_json(path("charts.json"), charts);
}

std::optional<std::vector<std::string>> FakeHelmCluster::chart_versions(const std::string& reference) const {
  const auto charts = read_json(path("charts.json"));
  if (!charts || !charts->is_object() || !charts->contains(reference)) return std::nullopt;
  std::vector<std::string> versions;
  for (const auto& version : charts->at(reference))
    if (version.is_string()) versions.push_back(version.get<std::string>());
  return versions;
}

bool FakeHelmCluster::namespace_exists(const std::string& namespace_name) const {
  return namespace_name == "default" || fs::is_directory(path("namespaces/" + namespace_name));
}

void FakeHelmCluster::create_namespace(const std::string& namespace_name) {
  make_directories(path("namespaces/" + namespace_name + "/releases"));
}

std::string FakeHelmCluster::release_file(const std::string& namespace_name,
                                          const std::string& release) const {
  return path("namespaces/" + namespace_name + "/releases/" + release + ".json");
}

std::vector<nlohmann::json> FakeHelmCluster::history(const std::string& namespace_name,
                                                     const std::string& release) const {
  // Names with a '/' or ".." would leave the cluster directory; helm's name rules exclude them anyway.
  if (release.find('/') != std::string::npos || namespace_name.find('/') != std::string::npos ||
      release.find("..") != std::string::npos || namespace_name.find("..") != std::string::npos)
    return {};
  const auto stored = read_json(release_file(namespace_name, release));
  if (!stored || !stored->is_array()) return {};
  return stored->get<std::vector<nlohmann::json>>();
}

std::optional<nlohmann::json> FakeHelmCluster::latest(const std::string& namespace_name,
                                                      const std::string& release) const {
  auto revisions = history(namespace_name, release);
  if (revisions.empty()) return std::nullopt;
  return revisions.back();
}

void FakeHelmCluster::save_history(const std::string& namespace_name, const std::string& release,
                                   const std::vector<nlohmann::json>& revisions) {
  Lock lock(*this);
  const std::string file = release_file(namespace_name, release);
  if (revisions.empty()) {
    std::error_code error;
    fs::remove(file, error);
    return;
  }
  write_json(file, nlohmann::json(revisions));
}

std::vector<std::pair<std::string, std::string>> FakeHelmCluster::releases(
    const std::optional<std::string>& namespace_name) const {
  std::vector<std::pair<std::string, std::string>> found;
  const fs::path root = path("namespaces");
  if (!fs::is_directory(root)) return found;
  for (const auto& ns : fs::directory_iterator(root)) {
    const std::string name = ns.path().filename().string();
    if (namespace_name && *namespace_name != name) continue;
    if (!fs::is_directory(ns.path() / "releases")) continue;
    for (const auto& file : fs::directory_iterator(ns.path() / "releases"))
      if (file.path().extension() == ".json") found.emplace_back(name, file.path().stem().string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

bool FakeHelmCluster::set_release_status(const std::string& namespace_name, const std::string& release,
                                         const std::string& status, const std::string& description) {
  Lock lock(*this);
  auto revisions = history(namespace_name, release);
  if (revisions.empty()) return false;
  revisions.back()["info"]["status"] = status;
  revisions.back()["info"]["description"] = description;
  save_history(namespace_name, release, revisions);
  return true;
}

bool FakeHelmCluster::delete_release(const std::string& namespace_name, const std::string& release) {
  Lock lock(*this);
  if (history(namespace_name, release).empty()) return false;
  save_history(namespace_name, release, {});
  return true;
}

void FakeHelmCluster::fail_next(const std::string& operation, int count, const std::string& message) {
  Lock lock(*this);
  write_json(path("knobs/fail-" + operation + ".json"), {{"remaining", count}, {"message", message}});
}

std::optional<std::string> FakeHelmCluster::take_failure(const std::string& operation) {
  Lock lock(*this);
  const std::string file = path("knobs/fail-" + operation + ".json");
  auto knob = read_json(file);
  if (!knob || knob->value("remaining", 0) <= 0) return std::nullopt;
  (*knob)["remaining"] = knob->value("remaining", 0) - 1;
  write_json(file, *knob);
  return knob->value("message", std::string("injected failure"));
}

void FakeHelmCluster::set_delay(const std::string& operation, std::chrono::milliseconds delay) {
  Lock lock(*this);
  const std::string file = path("knobs/delay-" + operation + ".json");
  if (delay.count() <= 0) {
    std::error_code error;
    fs::remove(file, error);
    return;
  }
  write_json(file, {{"milliseconds", delay.count()}});
}

std::chrono::milliseconds FakeHelmCluster::delay(const std::string& operation) const {
  const auto knob = read_json(path("knobs/delay-" + operation + ".json"));
  return std::chrono::milliseconds(knob ? knob->value("milliseconds", std::int64_t{0}) : 0);
}

void FakeHelmCluster::crash_next(const std::string& operation, int count) {
  Lock lock(*this);
  write_json(path("knobs/crash-" + operation + ".json"), {{"remaining", count}});
}

bool FakeHelmCluster::take_crash(const std::string& operation) {
  Lock lock(*this);
  const std::string file = path("knobs/crash-" + operation + ".json");
  auto knob = read_json(file);
  if (!knob || knob->value("remaining", 0) <= 0) return false;
  (*knob)["remaining"] = knob->value("remaining", 0) - 1;
  write_json(file, *knob);
  return true;
}

void FakeHelmCluster::set_unreachable(bool unreachable) {
  Lock lock(*this);
  const std::string file = path("knobs/unreachable");
  if (unreachable) {
    make_directories(path("knobs"));
    write_text(file, "");
  } else {
    std::error_code error;
    fs::remove(file, error);
  }
}

bool FakeHelmCluster::unreachable() const {
  return fs::exists(path("knobs/unreachable"));
}

std::string FakeHelmCluster::next_timestamp() {
  Lock lock(*this);
  const std::string file = path("clock");
  long tick = 0;
  if (fs::exists(file)) tick = std::atol(read_text(file).c_str());
  ++tick;
  write_text(file, std::to_string(tick) + "\n");
  const std::time_t moment = kClockOrigin + tick;
  std::tm parts{};
  ::gmtime_r(&moment, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

void FakeHelmCluster::record_invocation(const std::vector<std::string>& args) {
  Lock lock(*this);
  make_directories(directory_);
  std::ofstream out(path("invocations.jsonl"), std::ios::app);
  out << nlohmann::json(args).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

std::vector<std::vector<std::string>> FakeHelmCluster::invocations() const {
  std::vector<std::vector<std::string>> lines;
  std::ifstream in(path("invocations.jsonl"));
  for (std::string line; std::getline(in, line);) {
    const auto parsed = nlohmann::json::parse(line, nullptr, false);
    if (parsed.is_array()) lines.push_back(parsed.get<std::vector<std::string>>());
  }
  return lines;
}

}  // namespace margo::fake
