/* OpenSSL's libcrypto (libssl-dev): RS256 signatures for Google service-account JWTs and
 * SHA-256 payload hashes for AWS Signature V4. The same library libcurl's TLS uses. */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/sha.h>
