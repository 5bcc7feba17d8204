#pragma once
// The simulated device's identity. Fixed, so the fake WFM hands out the same clientId on every run
// and a seed replays byte for byte: the private key is RFC 9421's published test key
// test-key-ecc-p256 (Appendix B.1.3, public on purpose, never for real devices), the certificate a
// self-signed one made for it once with the openssl CLI (CN=margo-sim-device, valid 2025-2125).

#include <string_view>

namespace margo::sim {

extern const std::string_view kSimDeviceKeyPem;
extern const std::string_view kSimDeviceCertificatePem;

}  // namespace margo::sim
