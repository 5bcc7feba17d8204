#include "sim/sim_identity.hpp"

namespace margo::sim {

const std::string_view kSimDeviceKeyPem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgUpuF81l+kOxbjf7T\n"
    "4mNSv0r5tN67Gim7rnf6EFpcYDuhRANCAASohVhlUsKs9kcYeM/XsJNbT/4P0t/D\n"
    "QSSOoXvEHgWK8DHOJzfS0wzgYX6FHoPGHvVnnRUYZ2V2SQNdkKdM2ehd\n"
    "-----END PRIVATE KEY-----\n";

const std::string_view kSimDeviceCertificatePem =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBZjCCAQygAwIBAgIBATAKBggqhkjOPQQDAjAbMRkwFwYDVQQDDBBtYXJnby1z\n"
    "aW0tZGV2aWNlMCAXDTI1MDEwMTAwMDAwMFoYDzIxMjUwMTAxMDAwMDAwWjAbMRkw\n"
    "FwYDVQQDDBBtYXJnby1zaW0tZGV2aWNlMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcD\n"
    "QgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lfw0EkjqF7xB4FivAxzic30tMM4GF+hR6D\n"
    "xh71Z50VGGdldkkDXZCnTNnoXaM/MD0wDAYDVR0TAQH/BAIwADAOBgNVHQ8BAf8E\n"
    "BAMCB4AwHQYDVR0OBBYEFAmW5VD56I4F/U1q5o47yYaj6e62MAoGCCqGSM49BAMC\n"
    "A0gAMEUCIDSlDv1DkilRV+Km+33K0VgruvUFU+I6cFWY52TOdBlLAiEA7GUv2obr\n"
    "Rx33thUQG+CpdGecZ0UbSE1izVT9v+D+jOM=\n"
    "-----END CERTIFICATE-----\n";

}  // namespace margo::sim
