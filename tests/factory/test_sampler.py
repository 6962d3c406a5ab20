"""Topology-aware sampling: valid, grounded, deterministic, balanced, repaired."""

from __future__ import annotations

import random

from envfactory.environments import registry
from envfactory.factory.chains import Chain, leaf_values
from envfactory.factory.params import Param, flatten
from envfactory.factory.sampler import TopologySampler, hints_from_error, split_turns
from envfactory.factory.values import output_fields
from tests.factory.traj_support import catalog_graph


def _assert_valid(graph, chain: Chain) -> None:
    """Every required input a person cannot state was returned by an earlier step."""
    for index, step in enumerate(chain.steps):
        values = dict(leaf_values(step.arguments))
        for param in graph.tool_params(f"{step.env}.{step.tool}"):
            if param.label.providable or param.param.path not in values:
                continue
            source = step.sources[param.param.path]
            assert source.kind == "step" and source.step < index, (step.tool, param.key, source)
            produced = {f.value for f in output_fields(chain.steps[source.step].output)}
            assert values[param.param.path] in produced


def test_chains_are_valid_and_grounded_in_earlier_outputs() -> None:
    for name in ("todo", "shop"):
        graph = catalog_graph(name)
        chains = list(TopologySampler(graph, seed=5).chains(15))
        assert len(chains) == 15
        for chain in chains:
            _assert_valid(graph, chain)
            assert any(step.role != "lookup" for step in chain.steps)


def test_the_same_seed_gives_the_same_chains() -> None:
    graph = catalog_graph("todo")
    first = [c.signature for c in TopologySampler(graph, seed=11).chains(10)]
    again = [c.signature for c in TopologySampler(graph, seed=11).chains(10)]
    other = [c.signature for c in TopologySampler(graph, seed=12).chains(10)]
    assert first == again and first != other


def test_chains_replay_to_the_recorded_results_in_a_fresh_session() -> None:
    graph = catalog_graph("shop")
    for chain in TopologySampler(graph, seed=2).chains(8):
        with registry.get("shop").create() as session:
            for step in chain.steps:
                assert session.call(step.tool, step.arguments).content == step.content


def test_coverage_is_balanced_across_tools() -> None:
    graph = catalog_graph("todo")
    sampler = TopologySampler(graph, seed=3)
    chains = list(sampler.chains(20))
    used = {f"{s.env}.{s.tool}" for c in chains for s in c.steps}
    assert used == set(graph.tools)
    counts = sorted(sampler.uses.values())
    assert counts[-1] <= 6 * counts[0]  # no tool dominates


def test_a_refusal_that_asks_for_a_login_is_repaired_by_logging_in_first() -> None:
    graph = catalog_graph("bfcl_twitter")
    sampler = TopologySampler(graph, seed=0)
    chains = [c for c in sampler.chains(40) if any(s.tool == "post_tweet" for s in c.steps)]
    assert chains and sampler.stats.repairs > 0
    for chain in chains:
        tools = [s.tool for s in chain.steps]
        assert "authenticate_twitter" in tools[: tools.index("post_tweet")]


def _params(**schemas: dict) -> list[Param]:
    return flatten({"properties": schemas, "required": list(schemas)})


def test_hints_read_the_options_a_refusal_lists() -> None:
    params = _params(reason={"type": "string"}, list_name={"type": "string"}, pedal={"type": "number"})
    hints = hints_from_error(
        "Invalid arguments: parameter 'reason': Input should be 'no longer needed' or 'ordered by mistake' "
        "(got 'purchase').",
        {"reason": "purchase"},
        params,
    )
    assert hints["reason"].choices == ("no longer needed", "ordered by mistake")
    assert hints["reason"].avoid == {"purchase"}
    listed = hints_from_error(
        "No list named 'Garden'. Lists: Errands, Home, Work.", {"list_name": "Garden"}, params
    )
    assert listed["list_name"].choices == ("Errands", "Home", "Work")
    ranged = hints_from_error("Pedal position must be between 0 and 1; got 27.5.", {"pedal": 27.5}, params)
    assert (ranged["pedal"].low, ranged["pedal"].high) == (0.0, 1.0)
    assert hints_from_error("Something else went wrong.", {"pedal": 27.5}, params) == {}


def test_turns_end_only_after_an_intent() -> None:
    graph = catalog_graph("shop")
    rng = random.Random(0)
    for chain in TopologySampler(graph, seed=4).chains(15):
        turns = split_turns(chain, rng)
        assert [i for t in turns for i in t] == list(range(len(chain.steps)))
        for turn in turns:
            assert chain.steps[turn[-1]].role != "lookup"
