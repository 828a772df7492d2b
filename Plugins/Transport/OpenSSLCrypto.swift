import CCrypto
import ETLPluginKit

/// The two cryptographic operations the object stores need, done by the system's OpenSSL
/// (libcrypto, the library libcurl's TLS already loads) rather than by code of our own:
/// SHA-256 for S3 payload hashes, RSASSA-PKCS1-v1_5 with SHA-256 (RS256) for the JWT a Google
/// service account exchanges for an access token.
package enum OpenSSLCrypto {
    /// The SHA-256 digest of `bytes`, as lower-case hex.
    package static func sha256Hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                _ = SHA256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return digest.map { byte in
            let hex = Array("0123456789abcdef")
            return String([hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
        }.joined()
    }

    /// The RS256 signature of `message` with the PEM private key `pem` (PKCS #8 `BEGIN PRIVATE
    /// KEY`, as Google's key files hold, or PKCS #1 `BEGIN RSA PRIVATE KEY`).
    /// - Throws: `ETL_INVALID_CONFIG` when the key cannot be read (the message names `keyOrigin`,
    ///   never the key).
    package static func rs256Signature(_ message: [UInt8], pem: String, keyOrigin: String) throws(PluginError) -> [UInt8] {
        let pemBytes = Array(pem.utf8)
        let key: OpaquePointer? = pemBytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let key else {
            ERR_clear_error()
            throw .invalidConfig("\(keyOrigin): private_key is not a PEM RSA private key OpenSSL can read; download the service account's JSON key again")
        }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { throw .internalError("OpenSSL could not allocate a digest context") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1 else {
            ERR_clear_error()
            throw .invalidConfig("\(keyOrigin): private_key cannot sign with RS256 (is it an RSA key?)")
        }
        var length = 0
        let signed: Int32 = message.withUnsafeBufferPointer { input in
            guard EVP_DigestSign(context, nil, &length, input.baseAddress, input.count) == 1 else { return 0 }
            return 1
        }
        var signature = [UInt8](repeating: 0, count: length)
        let done: Int32 = signed == 1 ? message.withUnsafeBufferPointer { input in
            signature.withUnsafeMutableBufferPointer { output in
                EVP_DigestSign(context, output.baseAddress, &length, input.baseAddress, input.count)
            }
        } : 0
        guard done == 1 else {
            ERR_clear_error()
            throw .internalError("OpenSSL failed to sign the service-account token request")
        }
        return Array(signature.prefix(length))
    }
}
