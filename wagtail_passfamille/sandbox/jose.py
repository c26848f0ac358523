"""ES256 signing for the FranceConnect stand-in: keys, JWKs, compact JWS (``cryptography`` only).

FranceConnect v2 signs its ID tokens, its userinfo and its checktoken answers with ES256 (P-256,
SHA-256; the signature is ``r || s``, 64 bytes, not DER). The stand-in makes two keys per run, the
signing one and the next one, and publishes both, as FranceConnect does while it rotates keys.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class SigningKey:
    """A P-256 key pair and its ``kid`` (the RFC 7638 thumbprint of its public JWK)."""

    private: ec.EllipticCurvePrivateKey

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(ec.generate_private_key(ec.SECP256R1()))

    def public_jwk(self) -> dict[str, str]:
        numbers = self.private.public_key().public_numbers()
        jwk = {
            "crv": "P-256",
            "kty": "EC",
            "x": b64(numbers.x.to_bytes(32, "big")),
            "y": b64(numbers.y.to_bytes(32, "big")),
        }
        thumbprint = hashlib.sha256(json.dumps(jwk, separators=(",", ":")).encode()).digest()
        return {**jwk, "kid": b64(thumbprint), "use": "sig", "alg": "ES256"}

    @property
    def kid(self) -> str:
        return self.public_jwk()["kid"]

    def sign(self, claims: dict[str, Any], typ: str = "JWT") -> str:
        header = {"alg": "ES256", "kid": self.kid, "typ": typ}
        signing_input = f"{_part(header)}.{_part(claims)}"
        der = self.private.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return f"{signing_input}.{b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

    def verify(self, token: str) -> dict[str, Any] | None:
        """The claims of a compact JWS this key signed, or None (expiry is not checked here)."""
        try:
            header_part, claims_part, signature_part = token.split(".")
            header = json.loads(unb64(header_part))
            raw = unb64(signature_part)
            if header.get("alg") != "ES256" or header.get("kid") != self.kid or len(raw) != 64:
                return None
            der = encode_dss_signature(
                int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
            )
            self.private.public_key().verify(
                der, f"{header_part}.{claims_part}".encode("ascii"), ec.ECDSA(hashes.SHA256())
            )
            claims = json.loads(unb64(claims_part))
        except (ValueError, InvalidSignature, UnicodeError):
            return None
        return claims if isinstance(claims, dict) else None


def _part(value: dict[str, Any]) -> str:
    return b64(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def at_hash(access_token: str) -> str:
    """OIDC's ``at_hash``: the left half of the SHA-256 of the access token."""
    return b64(hashlib.sha256(access_token.encode("ascii")).digest()[:16])
