"""The tool graph: edges from outputs to the inputs they fill, observed data flow, labels."""

from __future__ import annotations

import io
import json

import pytest

from envfactory.factory.graph import build_graph
from envfactory.factory.params import classify, flatten
from tests.factory.traj_support import VoucherEnv, catalog_graph


def _produces(graph, source: str, target: str) -> list:
    return [e for e in graph.edges if e.kind == "produces" and e.source == source and e.target == target]


def test_todo_lookups_produce_the_item_ids_that_writes_need() -> None:
    graph = catalog_graph("todo")
    for consumer in ("complete_item", "reschedule_item", "get_item"):
        [edge] = _produces(graph, "todo.find_items", f"todo.{consumer}:item_id")
        assert edge.output == "[].id"
        assert edge.evidence == ("name", "value:items.id")  # the ids found are the items table's keys
    [created] = _produces(graph, "todo.add_item", "todo.complete_item:item_id")
    assert created.output == "id" and created.evidence == ("name",)  # a new id is in no seed table
    assert not _produces(graph, "todo.find_items", "todo.add_item:title")  # people write their own titles


def test_todo_parameters_are_labelled_user_providable_or_not() -> None:
    graph = catalog_graph("todo")
    label = {key: (p.label.providable, p.label.category) for key, p in graph.params.items()}
    assert label["todo.complete_item:item_id"] == (False, "identifier")
    assert label["todo.add_item:list_name"] == (True, "name")
    assert label["todo.add_item:title"] == (True, "text")
    assert label["todo.add_item:due_date"] == (True, "date/time")
    assert label["todo.add_item:priority"] == (True, "choice")
    assert label["todo.find_items:include_done"] == (True, "flag")
    assert graph.params["todo.add_item:list_name"].columns[0] == "lists.name"


def test_data_flow_edges_come_from_the_tables_tools_really_touched() -> None:
    graph = catalog_graph("todo")
    assert graph.tools["todo.complete_item"].writes == {"items"}
    assert "items" in graph.tools["todo.find_items"].reads
    flows = {(e.source, e.target): e.tables for e in graph.edges if e.kind == "data_flow"}
    assert flows[("todo.complete_item", "todo.find_items")] == ("items",)
    assert ("todo.find_items", "todo.complete_item") not in flows  # reads write nothing


def test_airline_ids_flow_from_email_lookup_to_reservation_writes() -> None:
    graph = catalog_graph("airline")
    assert _produces(graph, "airline.find_user_by_email", "airline.list_user_reservations:user_id")
    assert _produces(graph, "airline.list_user_reservations", "airline.cancel_reservation:reservation_id")
    [payment] = _produces(graph, "airline.get_user_details", "airline.change_cabin:payment_id")
    assert payment.output == "payment_methods[].payment_id"
    labels = graph.params
    assert labels["airline.find_user_by_email:email"].label.category == "contact"
    assert not labels["airline.cancel_reservation:reservation_id"].label.providable
    assert labels["airline.search_direct_flights:origin"].label.providable
    assert labels["airline.book_reservation:flights[].date"].label.category == "date/time"


def test_an_identifier_no_tool_produces_must_be_supplied_by_the_person() -> None:
    graph = build_graph([VoucherEnv])
    node = graph.params["vouchers.redeem_voucher:voucher_id"]
    assert node.label.providable and node.label.category == "identifier-unproduced"
    assert node.columns == ["vouchers.code"]  # the table's key: what grounds the value the person holds


@pytest.mark.parametrize(
    ("name", "schema", "providable", "category"),
    [
        ("order_id", {"type": "string"}, False, "identifier"),
        ("message_ids", {"type": "array", "items": {"type": "string"}}, False, "identifier"),
        ("ticketId", {"type": "integer"}, False, "identifier"),
        ("email", {"type": "string"}, True, "contact"),
        ("city", {"type": "string"}, True, "location"),
        ("amount", {"type": "number"}, True, "quantity"),
        ("start", {"type": "string", "format": "date-time"}, True, "date/time"),
        ("limit", {"type": "integer"}, True, "control"),
        ("password", {"type": "string"}, True, "credential"),
        ("cabin", {"type": "string", "enum": ["economy", "business"]}, True, "choice"),
    ],
)
def test_classifier_rules(name: str, schema: dict, providable: bool, category: str) -> None:
    [param] = flatten({"properties": {name: schema}, "required": [name]})
    label = classify(param)
    assert (label.providable, label.category) == (providable, category)


def test_json_export_lists_every_node_and_edge() -> None:
    graph = catalog_graph("todo")
    data = json.loads(json.dumps(graph.to_json()))
    kinds = [n["kind"] for n in data["nodes"]]
    assert kinds.count("tool") == 6 and kinds.count("param") == data["counts"]["params"] == 11
    assert sum(e["kind"] == "input" for e in data["edges"]) == 11
    item = next(n for n in data["nodes"] if n["id"] == "todo.complete_item:item_id")
    assert item["user_providable"] is False and item["reason"]


def test_png_is_a_real_picture() -> None:
    import matplotlib.image

    data = catalog_graph("todo").png_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = matplotlib.image.imread(io.BytesIO(data), format="png")
    assert pixels.shape[0] > 200 and pixels.shape[1] > 300


def test_build_graph_needs_an_environment() -> None:
    with pytest.raises(ValueError, match="at least one environment"):
        build_graph([])
