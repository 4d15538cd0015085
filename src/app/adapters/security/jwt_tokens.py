"""Typed JWTs (HS256) signed with a key derived from SECRET_KEY."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

import jwt

from app.core.accounts.errors import TokenExpiredError, TokenInvalidError, TokenWrongKindError
from app.core.accounts.model import TokenClaims, TokenKind
from app.core.shared.principal import Role

_ALGORITHM = "HS256"
_ISSUER = "muster"


def derive_key(secret_key: str, purpose: str) -> bytes:
    """A separate key per purpose, so a token signed for one use never verifies for another."""
    return hmac.new(secret_key.encode(), purpose.encode(), hashlib.sha256).digest()


class JwtTokenSigner:
    """Issues and verifies access, refresh and activation tokens; the kind is checked on every use.

    Verified tokens are remembered (bounded, oldest first out), so a client that sends
    the same access token on every request pays for signature checking once; expiry and kind are
    still checked on every use.
    """

    def __init__(self, secret_key: str, *, remember: int = 8192) -> None:
        self._key = derive_key(secret_key, "muster.jwt")
        self._verified: OrderedDict[str, TokenClaims] = OrderedDict()
        self._remember = remember

    def issue(self, claims: TokenClaims) -> str:
        payload: dict[str, Any] = {
            "iss": _ISSUER,
            "sub": str(claims.user_id),
            "typ": claims.kind.value,
            "exp": int(claims.expires_at.timestamp()),
            "iat": int(datetime.now(UTC).timestamp()),
        }
        if claims.jti:
            payload["jti"] = claims.jti
        if claims.family:
            payload["fam"] = claims.family
        if claims.roles:
            payload["roles"] = sorted(role.value for role in claims.roles)
        return jwt.encode(payload, self._key, algorithm=_ALGORITHM)

    def verify(self, token: str, *, kind: TokenKind) -> TokenClaims:
        claims = self._verified.get(token)
        if claims is None:
            claims = self._decode(token)
            self._verified[token] = claims
            if len(self._verified) > self._remember:
                self._verified.popitem(last=False)
        if claims.expires_at.timestamp() <= time.time():
            self._verified.pop(token, None)
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
        try:
            return TokenClaims(
                kind=TokenKind(payload["typ"]),
                user_id=int(payload["sub"]),
                expires_at=datetime.fromtimestamp(payload["exp"], UTC),
                jti=str(payload.get("jti", "")),
                family=str(payload.get("fam", "")),
                roles=frozenset(Role(value) for value in payload.get("roles", ())),
            )
        except (TypeError, ValueError) as error:
            raise TokenInvalidError() from error
