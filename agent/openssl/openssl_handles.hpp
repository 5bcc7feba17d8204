#pragma once
// Owning handles for OpenSSL objects and the text of OpenSSL's error queue, shared by the protocol
// client (signing, certificates) and the HTTPS client.

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

namespace margo {

template <typename T, void (*Free)(T*)>
struct OpensslDeleter {
  void operator()(T* object) const { Free(object); }
};

template <typename T, void (*Free)(T*)>
using OpensslHandle = std::unique_ptr<T, OpensslDeleter<T, Free>>;

using BioHandle = OpensslHandle<BIO, BIO_free_all>;
using BignumHandle = OpensslHandle<BIGNUM, BN_free>;
using EcdsaSigHandle = OpensslHandle<ECDSA_SIG, ECDSA_SIG_free>;
using MdContextHandle = OpensslHandle<EVP_MD_CTX, EVP_MD_CTX_free>;
using PkeyContextHandle = OpensslHandle<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using PkeyHandle = OpensslHandle<EVP_PKEY, EVP_PKEY_free>;
using X509Handle = OpensslHandle<X509, X509_free>;
using X509ExtensionHandle = OpensslHandle<X509_EXTENSION, X509_EXTENSION_free>;
using Asn1TimeHandle = OpensslHandle<ASN1_TIME, ASN1_TIME_free>;

// A read-only memory BIO over `bytes`; the bytes must outlive it.
BioHandle memory_bio(std::string_view bytes);
// Everything written to a memory BIO so far.
std::string bio_contents(BIO* bio);
// Drains OpenSSL's thread-local error queue into one line ("" when empty), so that a stale error
// never leaks into the next message.
std::string take_openssl_errors();

}  // namespace margo
