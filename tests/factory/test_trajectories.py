"""The synthesis pipeline: verified SFT rows and RL tasks, offline and with an LLM (scripted)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from envfactory.cli.factory import graph as graph_command
from envfactory.cli.factory import synth_app
from envfactory.environments import evaluate, load_tasks, registry
from envfactory.factory.dialogue import calls_of
from envfactory.factory.llm import LLM
from envfactory.factory.queries import stated_values
from envfactory.factory.trajectories import (
    TrajectoryConfig,
    VerificationError,
    chain_sampler,
    synthesize_trajectories,
    verify,
)
from tests.factory.traj_support import (
    ScriptedEndpoint,
    catalog_graph,
    request_kind,
    solver_plan,
    turns_answer,
)

TODO = registry.get("todo")


def _final(row: dict) -> str | None:
    return next(m["content"] for m in reversed(row["messages"]) if m["role"] == "assistant")


def test_template_mode_writes_verified_sft_rows_and_rl_tasks(tmp_path: Path) -> None:
    result = synthesize_trajectories([TODO], TrajectoryConfig(n=12, seed=3), graph=catalog_graph("todo"))
    assert len(result.records) == 12 and len(result.tasks) == 12
    for record in result.records:
        task, row = record.task, record.sft
        assert set(row) == {"messages", "tools", "reward", "metadata"} and row["reward"] == 1.0
        assert [m["role"] for m in row["messages"][:2]] == ["system", "user"]
        with TODO.for_task(task) as session:  # the solution itself replays to reward 1.0
            for call in task.solution:
                assert session.call(call.name, call.arguments).ok
            assert evaluate(session, task, _final(row)).total == 1.0
        assert [(c.name, c.arguments) for c in task.solution] == [
            (n, a) for n, a, _ in calls_of(row["messages"])
        ]
        assert task.metadata["source"] == "envfactory.factory" and task.metadata["initial_state_hash"]
    paths = result.write(tmp_path)
    assert [t.id for t in load_tasks(paths["tasks"], env="todo")] == [t.id for t in result.tasks]
    assert len(paths["sft"].read_text().splitlines()) == 12
    stats = json.loads(paths["stats"].read_text())
    assert stats["tools"]["todo"]["covered"] == 6 and stats["counts"]["trajectories"] == 24
    assert stats["calls"]["reads"] + stats["calls"]["writes"] == sum(
        len(r.chain.steps) for r in result.records
    )
    assert len({t.instruction for t in result.tasks}) == 12  # deduplicated


def test_verification_rejects_rows_that_do_not_replay_or_miss_an_answer() -> None:
    result = synthesize_trajectories([TODO], TrajectoryConfig(n=12, seed=3), graph=catalog_graph("todo"))
    record = next(r for r in result.records if r.task.required_outputs)
    tampered = copy.deepcopy(record.sft)
    next(m for m in tampered["messages"] if m["role"] == "tool")["content"] = "[]"
    with pytest.raises(VerificationError, match="replay differs"):
        verify(TODO, record.task, tampered)
    silent = copy.deepcopy(record.sft)
    silent["messages"][-1]["content"] = "Done."
    with pytest.raises(VerificationError, match="reward"):
        verify(TODO, record.task, silent)


def test_multi_turn_tasks_carry_the_later_requests_and_what_the_person_knows() -> None:
    graph = catalog_graph("shop")
    result = synthesize_trajectories(
        [registry.get("shop")], TrajectoryConfig(n=8, seed=1, multi_turn=True), graph=graph
    )
    multi = [r for r in result.records if r.task.user is not None]
    assert multi
    for record in multi:
        users = [m["content"] for m in record.sft["messages"] if m["role"] == "user"]
        assert users[0] == record.task.instruction and len(users) >= 2
        for label, said in record.task.user.knowledge.items():
            assert f"{label} is {said}" not in record.task.instruction  # told only when the agent asks
            assert any(f"{label} is {said}." in u for u in users[1:])


def test_cross_environment_chains_become_sft_rows_only() -> None:
    classes = [TODO, registry.get("bank")]
    result = synthesize_trajectories(
        classes, TrajectoryConfig(n=10, seed=2, cross_env=1.0), graph=catalog_graph("bank", "todo")
    )
    crossing = [r for r in result.records if len(r.chain.envs) > 1]
    assert crossing and all(r.task is None and r.sft["reward"] is None for r in crossing)
    names = {t["function"]["name"] for t in crossing[0].sft["tools"]}
    assert {"add_item", "transfer_funds"} <= names


def test_cli_writes_the_data_and_the_graph(tmp_path: Path) -> None:
    app = typer.Typer()
    app.add_typer(synth_app, name="synth")
    app.command("graph")(graph_command)
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["synth", "trajectories", "--env", "todo", "-n", "4", "--out", str(out), "--seed", "1"]
    )
    assert result.exit_code == 0, result.output
    assert len((out / "tasks.jsonl").read_text().splitlines()) == 4 and (out / "sft.jsonl").exists()
    png, graph_json = tmp_path / "todo.png", tmp_path / "todo.json"
    result = runner.invoke(app, ["graph", "todo", "--png", str(png), "--json", str(graph_json)])
    assert result.exit_code == 0, result.output
    assert (
        png.read_bytes().startswith(b"\x89PNG") and json.loads(graph_json.read_text())["counts"]["tools"] == 6
    )
    bad = runner.invoke(app, ["synth", "trajectories", "--env", "tod", "-n", "1", "--out", str(out)])
    assert bad.exit_code == 2 and "Did you mean" in bad.output


def _llm_chain(config: TrajectoryConfig):
    return next(iter(chain_sampler(catalog_graph("todo"), config).chains(1)))


def test_llm_mode_keeps_the_most_implicit_query_the_solver_still_solves() -> None:
    config = TrajectoryConfig(n=1, seed=0, mode="llm", pass_k=2, refine_rounds=3)
    while len(stated_values(chain := _llm_chain(config))) < 2 or len(chain.envs) > 1:
        config.seed += 1
    facts = stated_values(chain)
    explicit = "Please sort this out for me: " + "; ".join(facts) + "."
    implicit = "Please sort this out for me: " + facts[0] + "."
    vague = "TOO VAGUE: you know what I mean."
    generated = iter([turns_answer(f"Use {chain.steps[-1].tool} please."), turns_answer(explicit)])
    refined = iter([turns_answer(implicit), turns_answer(vague)])
    plan = solver_plan(chain.solution(), "Done. " + " ".join(chain.answers()))

    def respond(body: dict) -> dict:
        kind = request_kind(body)
        if kind == "generate":
            return next(generated)
        if kind == "refine":
            return next(refined)
        if body["messages"][1]["content"].startswith("TOO VAGUE"):
            return {"role": "assistant", "content": "Sorry, I cannot tell what you want."}
        return plan(body)

    with ScriptedEndpoint(respond) as endpoint:
        result = synthesize_trajectories(
            [TODO], config, llm=LLM(base_url=endpoint.url, model="stub"), graph=catalog_graph("todo")
        )
    [record] = result.records
    assert record.task.instruction == implicit  # more implicit than the first, and still solved
    versions = record.task.metadata["query_versions"]
    assert [v["turns"][0] for v in versions] == [explicit, implicit, vague]
    assert [v["solve_rate"] for v in versions] == [1.0, 1.0, 0.0]
    assert versions[0]["explicit_facts"] > versions[1]["explicit_facts"]
    assert record.task.metadata["solve_rate"] == 1.0 and record.sft["metadata"]["solve_rate"] == 1.0
    leak_feedback = next(
        r for r in endpoint.requests if request_kind(r) == "generate" and len(r["messages"]) > 2
    )
    assert chain.steps[-1].tool in leak_feedback["messages"][-1]["content"]  # the leaking draft was sent back
    assert endpoint.kinds().count("solver") >= 3 * 2 * len(chain.steps)
    assert verify(TODO, record.task, record.sft) == 1.0  # the solver's own episode is the SFT row


def test_llm_mode_drops_a_chain_the_solver_cannot_solve() -> None:
    config = TrajectoryConfig(n=1, seed=0, mode="llm", pass_k=2, max_attempts=2)

    def respond(body: dict) -> dict:
        if request_kind(body) == "generate":
            return turns_answer("I want the usual thing done.")
        return {"role": "assistant", "content": "I am not sure what you mean."}

    with ScriptedEndpoint(respond) as endpoint:
        result = synthesize_trajectories(
            [TODO], config, llm=LLM(base_url=endpoint.url, model="stub"), graph=catalog_graph("todo")
        )
    assert result.records == []
    assert result.stats["counts"]["dropped"] == {"the solver could not solve the query": 2}
    assert "refine" not in endpoint.kinds()


def test_the_same_seed_gives_the_same_files_in_any_process(tmp_path: Path) -> None:
    script = (
        "import json, sys\n"
        "from envfactory.environments import registry\n"
        "from envfactory.factory import TrajectoryConfig, build_graph, synthesize_trajectories\n"
        "todo = registry.get('todo')\n"
        "graph = build_graph([todo])\n"
        "config = TrajectoryConfig(n=8, seed=5, multi_turn=True)\n"
        "result = synthesize_trajectories([todo], config, graph=graph)\n"
        "result.write(sys.argv[1])\n"
        "open(sys.argv[1] + '/graph.json', 'w').write(json.dumps(graph.to_json()))\n"
    )
    outputs = []
    for hash_seed in ("1", "2"):  # set iteration order differs between these processes
        out = tmp_path / hash_seed
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", script, str(out)], env=env, check=True, timeout=120)
        outputs.append([(out / name).read_bytes() for name in ("tasks.jsonl", "sft.jsonl", "graph.json")])
    assert outputs[0] == outputs[1]
