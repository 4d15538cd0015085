"""Typed JWTs (HS256) signed with a key derived from SECRET_KEY."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import UTC, datetime
from typing import Any, TypeGuard

import jwt

from app.core.accounts.errors import TokenExpiredError, TokenInvalidError, TokenWrongKindError
from app.core.accounts.model import NO_ROLES, TokenClaims, TokenKind
from app.core.shared.principal import Role

_ALGORITHM = "HS256"
_ISSUER = "muster"
_MAX_ID = 2**63 - 1  # ids are positive 64-bit integers
_MAX_TIMESTAMP = 253_402_300_799  # 9999-12-31T23:59:59Z, the last second a datetime can hold
_HEADER = {"typ": None}  # the header says only "alg": "typ": "JWT" is optional (RFC 7519 §5.1)
_KINDS = frozenset(kind.value for kind in TokenKind)
_ROLES = frozenset(role.value for role in Role)


def derive_key(secret_key: str, purpose: str) -> bytes:
    """A separate key per purpose, so a token signed for one use never verifies for another."""
    return hmac.new(secret_key.encode(), purpose.encode(), hashlib.sha256).digest()


class JwtTokenSigner:
    """Issues and verifies access, refresh and activation tokens; the kind is checked on every use.

    Verified tokens are remembered (bounded, oldest first out), so a client that sends
    the same access token on every request pays for signature checking once; expiry and kind are
    still checked on every use. They are remembered by a 128-bit BLAKE2b digest of the token, not
    the token itself (about 200 bytes, once per user).

    A token is kept short, since an access token travels in every socket URL: the header names only
    the algorithm, and the payload holds ``iss``, ``sub``, ``typ``, ``exp``, ``sv`` and, when the
    claims have them, ``jti``, ``fam`` and ``roles`` (no ``iat``: nothing reads it).
    """

    def __init__(self, secret_key: str, *, remember: int = 8192) -> None:
        self._key = derive_key(secret_key, "muster.jwt")
        self._verified: dict[bytes, TokenClaims] = {}  # in insertion order: oldest first out
        self._remember = remember

    def issue(self, claims: TokenClaims) -> str:
        payload: dict[str, Any] = {
            "iss": _ISSUER,
            "sub": str(claims.user_id),
            "typ": claims.kind.value,
            "exp": int(claims.expires_at.timestamp()),
            "sv": claims.session_version,
        }
        if claims.jti:
            payload["jti"] = claims.jti
        if claims.family:
            payload["fam"] = claims.family
        if claims.roles:
            payload["roles"] = sorted(role.value for role in claims.roles)
        return jwt.encode(payload, self._key, algorithm=_ALGORITHM, headers=_HEADER)

    def verify(self, token: str, *, kind: TokenKind) -> TokenClaims:
        known = hashlib.blake2b(token.encode(), digest_size=16).digest()
        claims = self._verified.get(known)
        if claims is None:
            claims = self._decode(token)
            self._verified[known] = claims
            if len(self._verified) > self._remember:
                del self._verified[next(iter(self._verified))]
        if claims.expires_at.timestamp() <= time.time():
            self._verified.pop(known, None)
            raise TokenExpiredError()
        if claims.kind.value != kind.value:
            raise TokenWrongKindError(f"Expected an {kind.value} token.")
        return claims

    def _decode(self, token: str) -> TokenClaims:
        try:
            payload = jwt.decode(
                token,
                self._key,
                algorithms=[_ALGORITHM],
                issuer=_ISSUER,
                options={"require": ["exp", "sub", "typ", "iss"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise TokenExpiredError() from error
        except jwt.PyJWTError as error:
            raise TokenInvalidError() from error
        return _claims(payload)


def _claims(payload: dict[str, Any]) -> TokenClaims:
    """The claims of a verified payload, every one checked for type and range (TokenInvalidError)."""
    sub, exp, typ = payload.get("sub"), payload.get("exp"), payload.get("typ")
    version, roles = payload.get("sv", 0), payload.get("roles", [])
    jti, family = payload.get("jti", ""), payload.get("fam", "")
    if not (isinstance(sub, str) and sub.isascii() and sub.isdigit() and len(sub) <= 19 and 0 < int(sub) <= _MAX_ID):
        raise TokenInvalidError()
    if not (_is_int(exp) and 0 < exp <= _MAX_TIMESTAMP and _is_int(version) and 0 <= version <= _MAX_ID):
        raise TokenInvalidError()
    if not (isinstance(jti, str) and isinstance(family, str) and len(jti) <= 64 and len(family) <= 64):
        raise TokenInvalidError()
    if (
        typ not in _KINDS
        or not isinstance(roles, list)
        or not all(isinstance(role, str) and role in _ROLES for role in roles)
    ):
        raise TokenInvalidError()
    return TokenClaims(
        kind=TokenKind(typ),
        user_id=int(sub),
        expires_at=datetime.fromtimestamp(exp, UTC),
        jti=jti,
        family=family,
        roles=frozenset(Role(value) for value in roles) if roles else NO_ROLES,
        session_version=version,
    )


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
