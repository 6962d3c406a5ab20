"""The OpenAPI compiler on real documents from ../shared/resources/openapi: what tables and tools a
known document becomes, that its constraints reach the derived schemas and refuse bad calls by
name, that the simulated service behaves like one (create, get, update, delete, actions,
references, paging), determinism, conformance, and the catalog folder served by a real server."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import jsonschema
import pytest

from envfactory.environments import Registry, evaluate
from envfactory.environments.conformance import check_environment, final_answer
from envfactory.factory.openapi import (
    CompileError,
    OpenApiEnvironment,
    compile_document,
    load_environment,
    parse_document,
    read_document,
    save_environment,
)
from envfactory.factory.openapi.loader import Resolver
from tests.conftest import SHARED

CORPUS = SHARED / "resources" / "openapi"
if not CORPUS.is_dir():
    pytest.skip(f"{CORPUS} is not here (the shared resources are not checked out)", allow_module_level=True)
PETSTORE = CORPUS / "commerce_payments" / "swagger__petstore-v3.yaml"
PAYPAL = CORPUS / "commerce_payments" / "paypal__billing-subscriptions.json"
MUSEUM = CORPUS / "local_lifestyle" / "redocly__museum.yaml"
WALMART = CORPUS / "commerce_payments" / "walmart__orders.yaml"
GMAIL = CORPUS / "communication" / "google__gmail.yaml"
GOTIFY = CORPUS / "communication" / "gotify__push-messages.json"


@pytest.fixture(scope="module")
def petstore() -> type[OpenApiEnvironment]:
    return compile_document(PETSTORE)


@pytest.fixture(scope="module")
def paypal() -> type[OpenApiEnvironment]:
    return compile_document(PAYPAL, with_tasks=False)


def schema(env_cls: type[OpenApiEnvironment], tool: str) -> dict:
    return env_cls.tools[tool].parameters


def plain(prop: dict) -> dict:
    """A property's schema without the `null` branch pydantic adds to optional parameters."""
    return next((b for b in prop.get("anyOf", []) if b.get("type") != "null"), prop)


# ----------------------------------------------------------------- what a document becomes
def test_petstore_resources_become_tables_and_operations_tools(petstore: type[OpenApiEnvironment]) -> None:
    assert {"pets", "orders", "users"} <= set(petstore.sa_tables)
    kinds = {op.tool: op.kind for op in petstore.api.operations}
    assert kinds["add_pet"] == "create"
    assert kinds["get_pet_by_id"] == "get"
    assert kinds["update_pet"] == "update"
    assert kinds["delete_pet"] == "delete"
    assert kinds["find_pets_by_status"] == "list"
    assert kinds["place_order"] == "create"
    assert petstore.tools["get_pet_by_id"].write is False and petstore.tools["add_pet"].write is True
    orders = petstore.api.entity("orders")
    assert orders.column("petId").references == "pets"
    assert petstore.tools["add_pet"].description.startswith("Add a new pet to the store.")


def test_document_constraints_reach_the_derived_tool_schemas(
    petstore: type[OpenApiEnvironment], paypal: type[OpenApiEnvironment]
) -> None:
    add_pet = schema(petstore, "add_pet")
    assert set(add_pet["required"]) == {"name", "photoUrls"}
    assert plain(add_pet["properties"]["status"])["enum"] == ["available", "pending", "sold"]
    page_size = schema(paypal, "plans_list")["properties"]["page_size"]
    assert (page_size["minimum"], page_size["maximum"], page_size["default"]) == (1, 20, 10)
    reason = schema(paypal, "subscriptions_cancel")["properties"]["reason"]
    assert (reason["minLength"], reason["maxLength"]) == (1, 128)
    quantity = plain(schema(paypal, "subscriptions_create")["properties"]["quantity"])
    assert quantity["pattern"] == "^([0-9]+|([0-9]+)?[.][0-9]+)$"
    museum = compile_document(MUSEUM, with_tasks=False)
    tickets = schema(museum, "buy_museum_tickets")["properties"]
    assert tickets["ticketDate"]["format"] == "date"
    assert plain(tickets["email"])["format"] == "email"
    assert tickets["ticketType"]["enum"] == ["event", "general"]
    for env_cls in (petstore, paypal, museum):
        for spec in env_cls.tools.values():
            jsonschema.Draft202012Validator.check_schema(spec.parameters)


def test_constraint_violations_are_tool_errors_naming_the_parameter(
    petstore: type[OpenApiEnvironment], paypal: type[OpenApiEnvironment]
) -> None:
    env = petstore.create()
    wrong_enum = env.call("add_pet", {"name": "Rex", "photoUrls": [], "status": "lost"})
    assert wrong_enum.error_kind == "invalid_arguments" and "'status'" in wrong_enum.error
    assert "'available', 'pending' or 'sold'" in wrong_enum.error
    missing = env.call("add_pet", {"photoUrls": []})
    assert missing.error_kind == "invalid_arguments" and "missing required parameter 'name'" in missing.error
    nested = env.call("add_pet", {"name": "Rex", "photoUrls": [], "category": {"title": "Dogs"}})
    assert (
        nested.error_kind == "invalid_arguments" and "'category'" in nested.error and "title" in nested.error
    )
    session = paypal.create()
    sub = session.export_tables()["subscriptions"][0]["id"]
    too_long = session.call("subscriptions_cancel", {"id": sub, "reason": "x" * 129})
    assert too_long.error_kind == "invalid_arguments" and "'reason'" in too_long.error
    bad_pattern = session.call("subscriptions_create", {"plan_id": "P-1", "quantity": "two"})
    assert bad_pattern.error_kind == "invalid_arguments" and "'quantity'" in bad_pattern.error
    over = session.call("plans_list", {"page_size": 21})
    assert over.error_kind == "invalid_arguments" and "'page_size'" in over.error


# ----------------------------------------------------------------- behaviour of the service
def test_create_get_update_delete_round_trip(petstore: type[OpenApiEnvironment]) -> None:
    env = petstore.create()
    created = env.call(
        "add_pet", {"name": "Rex", "photoUrls": ["https://example.com/rex.jpg"], "status": "sold"}
    )
    assert created.ok, created.content
    pet_id = created.output["id"]
    fetched = env.call("get_pet_by_id", {"petId": pet_id}).output
    assert fetched == created.output and fetched["name"] == "Rex"
    renamed = env.call("update_pet_with_form", {"petId": pet_id, "name": "Max"})
    assert renamed.output["name"] == "Max" and renamed.output["status"] == "sold"
    assert env.call("delete_pet", {"petId": pet_id}).ok
    gone = env.call("get_pet_by_id", {"petId": pet_id})
    assert gone.error_kind == "tool_error" and gone.error == f"No pet with id {pet_id}."


def test_a_reference_to_an_unknown_item_is_refused_and_changes_nothing(
    petstore: type[OpenApiEnvironment],
) -> None:
    env = petstore.create()
    before = env.state_hash()
    refused = env.call("place_order", {"petId": 424242, "quantity": 1})
    assert refused.error_kind == "tool_error"
    assert refused.error == "No pet with id 424242 (given in petId)."
    assert env.state_hash() == before
    pet = env.export_tables()["pets"][0]["id"]
    assert env.call("place_order", {"petId": pet, "quantity": 1}).output["petId"] == pet


def test_a_created_key_must_be_new(petstore: type[OpenApiEnvironment]) -> None:
    env = petstore.create()
    taken = env.export_tables()["pets"][0]["id"]
    again = env.call("add_pet", {"id": taken, "name": "Twin", "photoUrls": []})
    assert again.error == f"A pet with id {taken} already exists."


def test_an_action_sets_the_status_its_verb_names_and_is_logged(paypal: type[OpenApiEnvironment]) -> None:
    env = paypal.create()
    sub = env.export_tables()["subscriptions"][0]["id"]
    result = env.call("subscriptions_cancel", {"id": sub, "reason": "Moving abroad"})
    assert result.ok and result.output["status"] == "CANCELLED"
    log = env.export_tables()["action_log"]
    assert log[-1]["tool"] == "subscriptions_cancel" and log[-1]["item"] == sub
    assert json.loads(log[-1]["arguments"]) == {"id": sub, "reason": "Moving abroad"}
    unknown = env.call("subscriptions_suspend", {"id": "I-NOSUCHSUB", "reason": "x"})
    assert unknown.error == "No subscription with id 'I-NOSUCHSUB'."


def test_lists_filter_and_page(paypal: type[OpenApiEnvironment], petstore: type[OpenApiEnvironment]) -> None:
    env = petstore.create()
    sold = env.call("find_pets_by_status", {"status": "sold"}).output
    assert sold["items"] and all(p["status"] == "sold" for p in sold["items"])
    assert sold["total"] == len(sold["items"])
    session = paypal.create()
    everything = session.call("plans_list", {"page_size": 20}).output
    first = session.call("plans_list", {"page_size": 3, "page": 1}).output
    second = session.call("plans_list", {"page_size": 3, "page": 2}).output
    assert first["total"] == everything["total"] == len(everything["items"]) > 3
    assert first["items"] + second["items"] == everything["items"][:6]


def test_nested_resources_belong_to_their_parent_and_edit_label_lists() -> None:
    gmail = compile_document(GMAIL, with_tasks=False)
    env = gmail.create()
    messages = env.call("gmail_users_messages_list", {"userId": "me"}).output["items"]
    assert messages and all(m["userId"] == "me" for m in messages)
    assert (
        env.call("gmail_users_messages_list", {"userId": "nobody"}).error == "No user with userId 'nobody'."
    )
    label = env.export_tables()["labels"][0]["id"]
    edited = env.call(
        "gmail_users_messages_modify", {"userId": "me", "id": messages[0]["id"], "addLabelIds": [label]}
    )
    assert label in edited.output["labelIds"]
    filtered = env.call("gmail_users_messages_list", {"userId": "me", "labelIds": [label]}).output["items"]
    assert messages[0]["id"] in [m["id"] for m in filtered]


def test_seed_rows_are_realistic_and_point_at_existing_items(petstore: type[OpenApiEnvironment]) -> None:
    tables = petstore.create().export_tables()
    assert all(re.fullmatch(r"[a-z.]+@[a-z.]+", u["email"]) for u in tables["users"] if u["email"])
    assert all(p["status"] in ("available", "pending", "sold", None) for p in tables["pets"])
    pet_ids = {p["id"] for p in tables["pets"]}
    assert all(o["petId"] in pet_ids for o in tables["orders"])
    gmail = compile_document(GMAIL, with_tasks=False).create().export_tables()
    labels = {row["id"] for row in gmail["labels"]}
    for message in gmail["messages"]:
        assert message["userId"] == "me"
        assert set(json.loads(message["labelIds"] or "[]")) <= labels


# ----------------------------------------------------------------- determinism, tasks, catalog
def test_same_document_and_seed_give_the_same_environment_and_state(
    petstore: type[OpenApiEnvironment],
) -> None:
    again = compile_document(PETSTORE)
    assert again.api == petstore.api
    assert again.openai_tools() == petstore.openai_tools()
    assert [t.to_json() for t in again.tasks()] == [t.to_json() for t in petstore.tasks()]
    first, second = petstore.create(), again.create()
    assert first.state_hash() == second.state_hash()
    call = ("add_pet", {"name": "Rex", "photoUrls": []})
    assert first.call(*call).content == second.call(*call).content
    assert first.state_hash() == second.state_hash()
    other_seed = compile_document(PETSTORE, seed=1, with_tasks=False)
    assert other_seed.create().state_hash() != petstore.create().state_hash()


def test_generated_tasks_replay_to_reward_one_and_pass_conformance(
    petstore: type[OpenApiEnvironment],
) -> None:
    tasks = petstore.tasks()
    assert len(tasks) >= 4
    assert any(petstore.tools[c.name].write for t in tasks for c in t.solution)
    for task in tasks:
        env = petstore.for_task(task)
        for call in task.solution:
            assert env.call(call.name, call.arguments).ok
        assert evaluate(env, task, final_answer(task)).total == 1.0
    failed = [r for r in check_environment(petstore) if not r.ok]
    assert not failed, failed


def test_a_saved_environment_loads_and_registers_without_the_document(
    petstore: type[OpenApiEnvironment], tmp_path: Path
) -> None:
    folder = save_environment(petstore, tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [
        "environment.json",
        "environment.py",
        "policy.md",
        "tasks.jsonl",
    ]
    loaded = load_environment(folder)
    assert loaded.openai_tools() == petstore.openai_tools()
    assert loaded.create().state_hash() == petstore.create().state_hash()
    registry = Registry(load_entry_points=False)
    assert registry.add_directory(tmp_path) == [petstore.name]
    served = registry.get(petstore.name)
    assert [t.id for t in served.tasks()] == [t.id for t in petstore.tasks()]
    assert served.package_dir() == folder


def test_swagger2_body_and_form_parameters_become_tool_parameters() -> None:
    assert read_document(GOTIFY).version == "2.0"
    gotify = compile_document(GOTIFY, with_tasks=False)
    create = schema(gotify, "create_app")
    assert create["required"] == ["name"] and set(create["properties"]) >= {"name", "description"}
    upload = schema(gotify, "upload_app_image")
    assert set(upload["required"]) == {"id", "file"}
    env = gotify.create()
    app = env.call("create_app", {"name": "Backups", "description": "Nightly"}).output
    assert (app["name"], app["description"], app["createdAt"]) == (
        "Backups",
        "Nightly",
        "2026-03-02T09:00:00Z",
    )
    assert env.call("get_app_messages", {"id": 999}).error == "No application with id 999."
    walmart = compile_document(WALMART, with_tasks=False).create()
    order = walmart.export_tables()["orders"][0]["purchaseOrderId"]
    assert walmart.call("get_order_by_purchase_order_id", {"purchaseOrderId": order}).ok


# ----------------------------------------------------------------- documents and their faults
def test_refs_allof_oneof_and_recursion_are_resolved() -> None:
    doc = parse_document(
        json.dumps(
            {
                "openapi": "3.1.0",
                "info": {"title": "t", "version": "1"},
                "paths": {"/nodes": {"get": {"responses": {"200": {"description": "ok"}}}}},
                "components": {
                    "schemas": {
                        "Base": {
                            "type": "object",
                            "properties": {"id": {"type": "integer"}},
                            "required": ["id"],
                        },
                        "Node": {
                            "allOf": [
                                {"$ref": "#/components/schemas/Base"},
                                {"properties": {"child": {"$ref": "#/components/schemas/Node"}}},
                            ]
                        },
                        "Maybe": {"anyOf": [{"type": "string", "maxLength": 3}, {"type": "null"}]},
                        "Shape": {
                            "oneOf": [
                                {
                                    "type": "object",
                                    "properties": {"r": {"type": "number"}},
                                    "required": ["r"],
                                },
                                {
                                    "type": "object",
                                    "properties": {"w": {"type": "number"}},
                                    "required": ["w"],
                                },
                            ]
                        },
                        "Listed": {"type": ["integer", "null"], "enum": [1, 2, None]},
                    }
                },
            }
        )
    )
    resolver = Resolver(doc.spec)
    node = resolver.schema({"$ref": "#/components/schemas/Node"})
    assert node["required"] == ["id"] and node["properties"]["id"] == {"type": "integer"}
    assert node["properties"]["child"] == {"type": "object", "x-name": "Node", "x-recursive": True}
    assert resolver.schema({"$ref": "#/components/schemas/Maybe"}) == {
        "type": "string",
        "maxLength": 3,
        "nullable": True,
        "x-name": "Maybe",
    }
    shape = resolver.schema({"$ref": "#/components/schemas/Shape"})
    assert set(shape["properties"]) == {"r", "w"} and "required" not in shape
    listed = resolver.schema({"$ref": "#/components/schemas/Listed"})
    assert (listed["type"], listed["enum"], listed["nullable"]) == ("integer", [1, 2], True)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "invalid JSON at line 1"),
        ("key: [unclosed", "invalid YAML"),
        ('{"info": {"title": "x"}}', "is not an OpenAPI 3 or Swagger 2 document"),
        ('{"openapi": "3.0.0", "info": {"title": "x"}, "paths": {}}', "has no paths"),
        (
            '{"swagger": "2.0", "paths": {"/x": {"parameters": []}}}',
            "no GET/POST/PUT/PATCH/DELETE operations",
        ),
    ],
)
def test_documents_that_cannot_compile_fail_with_a_clear_reason(
    text: str, reason: str, tmp_path: Path
) -> None:
    path = tmp_path / "api.json"
    path.write_text(text)
    with pytest.raises(CompileError, match=re.escape(reason)):
        compile_document(path)


def test_a_missing_file_is_a_clear_compile_error(tmp_path: Path) -> None:
    with pytest.raises(CompileError, match=r"Cannot read .*missing\.yaml"):
        compile_document(tmp_path / "missing.yaml")


# ----------------------------------------------------------------- served by the real server
def test_a_compiled_catalog_is_served_by_the_real_server(
    petstore: type[OpenApiEnvironment], tmp_path: Path, make_server
) -> None:
    catalog = tmp_path / "catalog"
    save_environment(petstore, catalog)
    server = make_server(ENVFACTORY_EXTRA_ENVS=str(catalog))
    task = next(t for t in petstore.tasks() if t.metadata["kind"] == "create")
    with httpx.Client(base_url=server.url, timeout=30) as http:
        entry = http.get(f"/v1/environments/{petstore.name}").json()
        assert {t["function"]["name"] for t in entry["tools"]} == set(petstore.tools)
        session = http.post("/v1/sessions", json={"env": petstore.name, "task_id": task.id}).json()
        calls = [
            {
                "id": f"call_{i}",
                "type": "function",
                "function": {"name": c.name, "arguments": json.dumps(c.arguments)},
            }
            for i, c in enumerate(task.solution)
        ]
        replies = http.post(f"/v1/sessions/{session['id']}/tool_calls", json={"tool_calls": calls}).json()
        created = json.loads(replies["messages"][-1]["content"])
        assert created["name"] == task.solution[-1].arguments["name"]
        bad = {
            "id": "call_x",
            "type": "function",
            "function": {"name": "get_pet_by_id", "arguments": '{"petId": -5}'},
        }
        refused = http.post(f"/v1/sessions/{session['id']}/tool_calls", json={"tool_calls": [bad]}).json()
        assert refused["messages"][-1]["content"] == "Error: No pet with id -5."
        graded = http.post(f"/v1/sessions/{session['id']}/evaluate", json={"final_response": "Done."}).json()
    assert graded["components"]["state"] == 1.0
