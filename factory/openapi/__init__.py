"""The OpenAPI compiler: a real OpenAPI 3 / Swagger 2 document becomes a native, stateful
EnvFactory environment, deterministically and without an LLM.

    from envfactory.factory.openapi import compile_document, verify_document, save_environment

    Petstore = compile_document("petstore.yaml", seed=0)     # an Environment subclass
    env = Petstore.create()
    env.call("add_pet", {"name": "Rex", "photoUrls": []})

Resources become tables, operations become tools (list, get, create, update, delete, actions),
path parameters and `*Id` fields become checked references, schema constraints become validation
in the derived tool schemas, seed rows come from the schemas with a seeded RNG, and a handful of
tasks whose solutions replay to reward 1.0 come with it. `verify_document` runs every tool on
valid, boundary and invalid input plus the conformance suite and writes a JSON report;
`save_environment` / `load_environment` put compiled environments in a catalog folder that the
server can serve (`ENVFACTORY_EXTRA_ENVS=<folder>:Env`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog import load_catalog, load_environment, register_catalog, save_environment
from .compile import build_environment, build_model, compile_document
from .errors import CompileError, OpenApiError
from .loader import Document, parse_document, read_document
from .model import ApiModel
from .runtime import OpenApiEnvironment
from .verify import verify_document, verify_environment

__all__ = [
    "ApiModel",
    "CompileError",
    "Document",
    "OpenApiEnvironment",
    "OpenApiError",
    "OpenApiSynthesis",
    "build_environment",
    "build_model",
    "compile_document",
    "load_catalog",
    "load_environment",
    "parse_document",
    "read_document",
    "register_catalog",
    "save_environment",
    "synth_env_openapi",
    "verify_document",
    "verify_environment",
]


@dataclass(frozen=True)
class OpenApiSynthesis:
    """What `synth_env_openapi` did: the environment's name, the catalog folder it was written to
    (None when it did not verify: only verified environments enter a catalog), and the report."""

    name: str | None
    folder: Path | None
    report: dict[str, Any]

    @property
    def verified(self) -> bool:
        return bool(self.report.get("verified"))


def synth_env_openapi(
    path: Path, out: Path, seed: int = 0, name: str | None = None, domain: str = "openapi"
) -> OpenApiSynthesis:
    """Compile and verify the document at `path`; when it verifies, save it under `out/<name>/`
    (with `verification.json`). Raises `CompileError` when the document cannot be compiled."""
    env_cls, report = verify_document(path, seed=seed, name=name, domain=domain)
    if env_cls is None:
        raise CompileError(report["error"])
    folder = save_environment(env_cls, out, report) if report["verified"] else None
    return OpenApiSynthesis(name=env_cls.name, folder=folder, report=report)
