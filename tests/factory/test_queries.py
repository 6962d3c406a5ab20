"""Template queries: implicit about lookups, never naming tools or internal ids."""

from __future__ import annotations

import random
import re

from envfactory.factory.chains import leaf_values
from envfactory.factory.dialogue import KnowledgeUser
from envfactory.factory.queries import TemplateWriter, answer_text, entity_of, leaks, summary
from envfactory.factory.sampler import TopologySampler
from tests.factory.traj_support import catalog_graph


def test_template_queries_never_name_tools_or_looked_up_ids() -> None:
    for name in ("todo", "shop"):
        graph = catalog_graph(name)
        writer = TemplateWriter(graph, random.Random(0))
        tools = [t.name for t in graph.tools.values()]
        for chain in TopologySampler(graph, seed=7).chains(20):
            query = writer.query(chain)
            assert leaks(query, chain, tools) == []
            for step in chain.steps:
                for path, value in leaf_values(step.arguments):
                    source = step.sources.get(path)
                    if source is not None and source.kind == "step" and path.endswith("_id"):
                        assert not re.search(rf"\b{re.escape(str(value))}\b", query), (query, value)


def test_a_lookup_is_implied_by_what_the_person_calls_the_thing() -> None:
    graph = catalog_graph("todo")
    writer = TemplateWriter(graph, random.Random(1))
    chains = [
        c
        for c in TopologySampler(graph, seed=1).chains(30)
        if [s.tool for s in c.steps] == ["find_items", "complete_item"]
    ]
    assert chains
    for chain in chains:
        query = writer.query(chain)
        title = next(
            r["title"] for r in chain.steps[0].output if r["id"] == chain.steps[1].arguments["item_id"]
        )
        assert f"“{title}”" in query or "matching" in query
        assert "find" not in query.lower()  # the lookup is left to the agent


def test_leaks_flags_ids_and_tool_names() -> None:
    graph = catalog_graph("todo")
    chain = next(
        c
        for c in TopologySampler(graph, seed=1).chains(30)
        if any(s.tool == "complete_item" and s.sources["item_id"].kind == "step" for s in c.steps)
    )
    item = next(s.arguments["item_id"] for s in chain.steps if s.tool == "complete_item")
    assert leaks(f"Please complete {item} now.", chain, ["complete_item"]) == [item]
    assert leaks("Run complete_item for me.", chain, ["complete_item"]) == ["complete_item"]


def test_answers_state_every_fact_asked_for() -> None:
    graph = catalog_graph("todo")
    rng = random.Random(0)
    for chain in TopologySampler(graph, seed=9).chains(20):
        text = answer_text(chain, range(len(chain.steps)), rng)
        assert all(fact in text for fact in chain.answers())


def test_docstring_summaries_and_entities() -> None:
    assert summary("Mark an item as done today.\n\nMore text.") == "mark an item as done today"
    assert summary(
        "Give a travel certificate for a cancelled flight ($100 per passenger) or one delayed 60\nminutes."
    ).endswith("delayed 60 minutes")
    assert entity_of("reservation_id") == "reservation"
    assert entity_of("payments[].payment_method_id") == "payment method"
    assert entity_of("message_ids") == "message"


def test_knowledge_user_answers_questions_then_makes_the_next_request() -> None:
    user = KnowledgeUser({"email": "ada@example.com", "zip": "10115"}, turns=["Now cancel it."])
    assert (
        user.reply([{"role": "assistant", "content": "What is your email?"}])
        == "My email is ada@example.com."
    )
    assert user.reply([{"role": "assistant", "content": "Done, your order is updated."}]) == "Now cancel it."
    assert user.reply([{"role": "assistant", "content": "Cancelled."}]) is None
