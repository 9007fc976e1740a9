"""A small but real OpenID Connect provider on loopback, for end-to-end SSO tests.

Authorization (code flow), token, userinfo and JWKS endpoints; id_tokens are RS256-signed with a
key made for the run. The person "signing in" at the provider is whatever the test sets.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "eoffice-test"
CLIENT_SECRET = "bi-mat-thu-nghiem"


@dataclass
class Provider:
    base_url: str = ""
    claims: dict[str, Any] = field(default_factory=dict)
    # Sign with a key the JWKS does not publish, to prove forged tokens are refused.
    forge_signature: bool = False
    key: Any = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    other_key: Any = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: int = 0

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def settings(self) -> dict[str, Any]:
        return {
            "OIDC_ENABLED": True,
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.url("/authorize"),
            "OIDC_OP_TOKEN_ENDPOINT": self.url("/token"),
            "OIDC_OP_USER_ENDPOINT": self.url("/userinfo"),
            "OIDC_OP_JWKS_ENDPOINT": self.url("/jwks"),
            "OIDC_RP_SIGN_ALGO": "RS256",
            "OIDC_RP_SCOPES": "openid email profile",
            "OIDC_TIMEOUT": 5,
            "LOGIN_REDIRECT_URL_FAILURE": "/accounts/login/?sso=failed",
        }

    def jwks(self) -> dict[str, Any]:
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        jwk.update({"kid": "k1", "alg": "RS256", "use": "sig"})
        return {"keys": [jwk]}

    def id_token(self, nonce: str | None) -> str:
        now = int(time.time())
        payload = {
            "iss": self.base_url,
            "aud": CLIENT_ID,
            "sub": str(self.claims.get("sub", "subject-1")),
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "email": self.claims.get("email"),
        }
        signer = self.other_key if self.forge_signature else self.key
        return jwt.encode(payload, signer, algorithm="RS256", headers={"kid": "k1"})


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/authorize":
                if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                    return self._json(400, {"error": "invalid_request"})
                code = secrets.token_urlsafe(16)
                provider.codes[code] = {"nonce": query.get("nonce"), "redirect_uri": query["redirect_uri"]}
                target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                self.send_response(302)
                self.send_header("Location", target)
                self.end_headers()
                return None
            if url.path == "/jwks":
                return self._json(200, provider.jwks())
            if url.path == "/userinfo":
                bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if bearer not in provider.access_tokens:
                    return self._json(401, {"error": "invalid_token"})
                return self._json(200, provider.access_tokens[bearer])
            return self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            if urlparse(self.path).path != "/token":
                return self._json(404, {"error": "not_found"})
            provider.token_requests += 1
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                return self._json(401, {"error": "invalid_client"})
            grant = provider.codes.pop(form.get("code", ""), None)
            if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
                return self._json(400, {"error": "invalid_grant"})
            access = secrets.token_urlsafe(16)
            provider.access_tokens[access] = dict(provider.claims)
            body = {
                "access_token": access,
                "token_type": "Bearer",
                "id_token": provider.id_token(grant["nonce"]),
            }
            return self._json(200, body)

    return Handler


@contextmanager
def running_provider() -> Iterator[Provider]:
    provider = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
