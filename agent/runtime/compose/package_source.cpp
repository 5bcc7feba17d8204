#include "agent/runtime/compose/package_source.hpp"

#include <memory>

#include "agent/core/encoding.hpp"
#include "agent/runtime/compose/package_download.hpp"
#include "agent/runtime/compose/package_signature.hpp"

namespace margo {
namespace {

constexpr std::size_t kMaxKeyBytes = 64 * 1024;
constexpr std::size_t kMaxSignatureBytes = 16 * 1024;

struct Fetch : std::enable_shared_from_this<Fetch> {
  Fetch(HttpClient& http_in, FileSystem& fs_in, Executor& executor_in, PackageReference reference_in,
        PackageFetchLimits limits_in, Callback<VerifiedPackage> done_in)
      : http(http_in),
        fs(fs_in),
        executor(executor_in),
        reference(std::move(reference_in)),
        limits(limits_in),
        done(std::move(done_in)) {}

  DownloadRequest request(const PackageLocation& location, std::string what, std::size_t max_bytes) const {
    return DownloadRequest{location, std::move(what), max_bytes, limits.timeout,
                           reference.digest.has_value()};
  }

  void start() {
    download(http, fs, executor, request(reference.package, "package", limits.max_package_bytes),
             [self = shared_from_this()](Result<std::string> bytes) { self->got_package(std::move(bytes)); });
  }

  void got_package(Result<std::string> bytes) {
    if (!bytes) return done(bytes.error());
    package.bytes = std::move(bytes).value();
    package.sha256_hex = sha256_hex(package.bytes);
    if (reference.digest) {
      if (auto verified = verify_package_digest(package.bytes, *reference.digest, reference.package.display);
          !verified)
        return done(verified.error());
    }
    if (!reference.key) return done(std::move(package));
    download(http, fs, executor, request(*reference.key, "public key", kMaxKeyBytes),
             [self = shared_from_this()](Result<std::string> key) { self->got_key(std::move(key)); });
  }

  void got_key(Result<std::string> key) {
    if (!key) return done(key.error());
    public_key = std::move(key).value();
    download(http, fs, executor, request(reference.signature, "signature", kMaxSignatureBytes),
             [self = shared_from_this()](Result<std::string> signature) {
               self->got_signature(std::move(signature));
             });
  }

  void got_signature(Result<std::string> signature) {
    if (!signature) {
      // A signature that is not there (404, no such file) or refused is a package that is not signed:
      // never deployed. A network hiccup stays retryable.
      if (signature.error().error_class == ErrorClass::retryable) return done(signature.error());
      return done(security_error("compose.signature_invalid", "package " + reference.package.display +
                                                                  " is not trusted: no usable signature (" +
                                                                  signature.error().message + ")"));
    }
    if (auto verified =
            verify_package_signature(package.bytes, *signature, public_key, reference.package.display);
        !verified)
      return done(verified.error());
    done(std::move(package));
  }

  HttpClient& http;
  FileSystem& fs;
  Executor& executor;
  PackageReference reference;
  PackageFetchLimits limits;
  Callback<VerifiedPackage> done;
  VerifiedPackage package;
  std::string public_key;
};

}  // namespace

void fetch_verified_package(HttpClient& http, FileSystem& fs, Executor& executor,
                            const PackageReference& reference, PackageFetchLimits limits,
                            Callback<VerifiedPackage> done) {
  std::make_shared<Fetch>(http, fs, executor, reference, limits, std::move(done))->start();
}

}  // namespace margo
