"""Rego engines: `embedded` (regopy, default) and `opa` (a running OPA server)."""

from __future__ import annotations

from hipaa_cac.engines.base import Engine, EngineError
from hipaa_cac.errors import InputError

ENGINES = ("embedded", "opa")


def make_engine(name: str, opa_url: str | None = None) -> Engine:
    if name == "embedded":
        from hipaa_cac.engines.embedded import EmbeddedEngine

        return EmbeddedEngine()
    if name == "opa":
        from hipaa_cac.engines.opa import OpaEngine

        return OpaEngine(opa_url or "http://127.0.0.1:8181")
    raise InputError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")


__all__ = ["ENGINES", "Engine", "EngineError", "make_engine"]
