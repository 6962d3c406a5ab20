"""Every document of ../shared/resources/openapi either compiles or fails with a clear reason, and a
representative subset (OpenAPI 3.0, 3.1, Swagger 2.0; small and large; flat and nested) goes
through full verification. The whole corpus under full verification is `bench/openapi.py`."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from envfactory.factory.openapi import (
    CompileError,
    build_environment,
    build_model,
    load_environment,
    read_document,
    synth_env_openapi,
    verify_document,
)
from tests.conftest import SHARED

CORPUS = SHARED / "resources" / "openapi"
if not CORPUS.is_dir():
    pytest.skip(f"{CORPUS} is not here (the shared resources are not checked out)", allow_module_level=True)
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())
VERIFIED_SUBSET = [
    "commerce_payments/swagger__petstore-v3.yaml",  # 3.0, the reference document
    "local_lifestyle/redocly__museum.yaml",  # 3.1
    "productivity/xero__projects.yaml",  # 3.0, nested resources
    "commerce_payments/handwrytten__card-orders.yaml",  # Swagger 2.0, RPC-style paths
    "travel_transport/lyft__rides.yaml",  # Swagger 2.0, actions on items
]


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"].split("/")[-1] for e in MANIFEST])
def test_every_corpus_document_compiles_or_says_why(entry: dict) -> None:
    path = CORPUS / entry["file"]
    try:
        api = build_model(read_document(path), name="doc")
    except CompileError as exc:
        assert str(exc) and path.name in str(exc)
        return
    env_cls = build_environment(api)
    assert env_cls.tools and len(env_cls.tools) == len(api.operations) <= entry["ops"]
    for spec in env_cls.tools.values():
        jsonschema.Draft202012Validator.check_schema(spec.parameters)
        assert spec.description
    seeded = env_cls.create().export_tables()
    assert any(rows for name, rows in seeded.items() if name != "_meta")


@pytest.mark.parametrize("document", VERIFIED_SUBSET)
def test_representative_documents_compile_and_verify(document: str) -> None:
    env_cls, report = verify_document(CORPUS / document)
    assert env_cls is not None and report["verified"], report["error"]
    checks = report["checks"]
    assert checks["calls"]["valid"]["passed"] == checks["calls"]["valid"]["total"] > 0
    assert checks["calls"]["invalid"]["passed"] == checks["calls"]["invalid"]["total"] > 0
    assert checks["conformance"]["passed"] == checks["conformance"]["total"]
    assert checks["determinism"]["ok"] and checks["export_import"]["ok"] and checks["catalog"]["ok"]
    assert report["tasks"] >= 1 and report["seconds"]["compile"] > 0
    json.dumps(report)


def test_a_document_that_compiles_but_cannot_verify_is_reported_not_cataloged(tmp_path: Path) -> None:
    """Xero Bank Feeds only writes through batch bodies (`{"items": [...]}`), so no generated task
    has a scalar argument that the conformance suite can alter: the report says so and
    `synth_env_openapi` keeps it out of the catalog."""
    result = synth_env_openapi(CORPUS / "finance_banking/xero__bankfeeds.yaml", tmp_path, seed=0)
    assert result.report["compiled"] and not result.verified and result.folder is None
    assert "no task writes" in result.report["error"]
    assert not any(tmp_path.iterdir())


def test_synth_env_openapi_writes_a_verified_catalog_folder(tmp_path: Path) -> None:
    result = synth_env_openapi(CORPUS / "local_lifestyle/redocly__museum.yaml", tmp_path, seed=3)
    assert result.verified and result.folder == tmp_path / "redocly_museum"
    report = json.loads((result.folder / "verification.json").read_text())
    assert report["verified"] and report["name"] == "redocly_museum"
    loaded = load_environment(result.folder)
    assert loaded.default_seed == 3 and loaded.tasks()


def test_synth_env_openapi_refuses_a_file_that_is_not_an_api_description(tmp_path: Path) -> None:
    with pytest.raises(CompileError, match=r"README\.md cannot be read as an OpenAPI document: invalid YAML"):
        synth_env_openapi(CORPUS / "README.md", tmp_path, seed=0)
