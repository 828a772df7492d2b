"""A Google-style OAuth token endpoint on 127.0.0.1 for the service-account tests: it accepts
the JWT bearer grant (RFC 7523) only when the assertion's RS256 signature verifies with the
public key it was given and its claims are right (iss, aud = this endpoint, scope, iat/exp), and
then answers {"access_token": ..., "expires_in": 3600}. Anything else gets HTTP 400
invalid_grant, as Google answers. Every request is appended to --log as a JSON line.

Usage: token_endpoint.py --public-key PEM --email ACCOUNT --token TOKEN --log PATH
Prints "port N" when listening; exits when standard input closes.
"""

import argparse
import base64
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--public-key", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--log", required=True)
    arguments = parser.parse_args()
    public_key = serialization.load_pem_public_key(open(arguments.public_key, "rb").read())

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            verdict = self.check(form)
            with open(arguments.log, "a") as log:
                log.write(json.dumps({"path": self.path, "verdict": verdict}) + "\n")
            if verdict == "ok":
                self.answer(200, {"access_token": arguments.token, "expires_in": 3600, "token_type": "Bearer"})
            else:
                self.answer(400, {"error": "invalid_grant", "error_description": verdict})

        def check(self, form):
            if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
                return "wrong grant_type"
            parts = form.get("assertion", [""])[0].split(".")
            if len(parts) != 3:
                return "assertion is not a JWT"
            header = json.loads(b64url_decode(parts[0]))
            claims = json.loads(b64url_decode(parts[1]))
            if header.get("alg") != "RS256":
                return "alg is not RS256"
            try:
                public_key.verify(b64url_decode(parts[2]), (parts[0] + "." + parts[1]).encode(), padding.PKCS1v15(), hashes.SHA256())
            except Exception:
                return "Invalid JWT Signature."
            port = self.server.server_address[1]
            now = time.time()
            if claims.get("iss") != arguments.email:
                return "wrong iss"
            if claims.get("aud") != f"http://127.0.0.1:{port}/token":
                return "wrong aud"
            if "devstorage" not in claims.get("scope", ""):
                return "wrong scope"
            if not (claims["iat"] - 300 <= now <= claims["exp"] and claims["exp"] - claims["iat"] <= 3600):
                return "iat/exp out of range"
            return "ok"

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"port {server.server_address[1]}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    while sys.stdin.buffer.read(4096):
        pass


if __name__ == "__main__":
    main()
