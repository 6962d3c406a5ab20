"""`envfactory quickstart`: the whole loop on one CPU machine, offline, in minutes.

1. start a server (a subprocess on 127.0.0.1, free port, SQLite event log in the output folder);
2. synthesize tasks for the reference environment from its live data, and SFT trajectories by
   running each training task's solution in a real session (`quickstart_data.py`);
3. train a byte-level BPE tokenizer on those trajectories and build a small Qwen-style model;
4. evaluate it on the held-out tasks (untrained), fine-tune it by SFT, evaluate again, train it
   with GRPO against the live server, evaluate again;
5. write `report.json` and `report.png` (held-out success per stage, GRPO curves).

The tasks are served by a copy of the `todo` environment (`todo_quickstart`, loaded through
`ENVFACTORY_EXTRA_ENVS`) that carries the synthesized tasks and offers the three tools they need:
every prompt holds the tool schemas, and on two CPU cores prompt length is what training time
is made of.

Threads: PyTorch runs on `threads` threads (default 1). The server shares the machine, and
small-matrix work on two contended cores is several times slower with two OpenMP threads
spinning than with one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from envfactory.sdk import AsyncClient

from .quickstart_data import fetch_items, solution_rows, synthesize_tasks

log = logging.getLogger(__name__)
ENV_NAME = "todo_quickstart"
TOOLS = ("find_items", "complete_item", "reschedule_item")
_ENV_MODULE = '''"""The quickstart's copy of the reference environment: its tasks, and the tools they need."""

from envfactory.environments.catalog.todo import TodoEnv


class QuickstartTodoEnv(TodoEnv):
    name = "{name}"
    description = "The reference to-do environment with the quickstart's synthesized tasks."

    @classmethod
    def offered_tools(cls, state=None):
        return {tools!r}
'''


@dataclass
class QuickstartConfig:
    output_dir: str = "quickstart-out"  # everything lands here: data, models, metrics, report
    seed: int = 0
    threads: int = 1  # torch threads (see the module docstring)
    # --- data
    items: int = 10  # items the tasks are about
    rl_share: float = 0.4  # share of (request, item) combinations GRPO practises (never in SFT)
    variants: tuple[int, int, int] = (4, 3, 2)  # tasks per combination: SFT, RL, held out
    # --- model
    model_preset: str = "small"  # models.PRESETS: ~1M parameters
    vocab_size: int = 1024
    # --- SFT
    sft_epochs: float = 25.0
    sft_lr: float = 3e-3
    sft_micro_batch_size: int = 1  # small data: more optimizer steps per epoch learn faster
    sft_max_steps: int | None = None  # overrides sft_epochs (smoke tests)
    # --- GRPO
    grpo_steps: int = 30
    tasks_per_step: int = 8
    group_size: int = 8
    grpo_lr: float = 5e-4
    max_new_tokens: int = 64
    max_turns: int = 6
    max_seq_len: int = 1024
    eval_every: int = 0
    extra: dict[str, Any] = field(default_factory=dict)  # overrides for GRPOConfig fields


class LocalServer:
    """`envfactory serve` in a subprocess on 127.0.0.1 and a free port; stopped on exit."""

    def __init__(self, workdir: Path, extra_envs: str = "", pythonpath: Path | None = None) -> None:
        self.workdir = workdir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "ENVFACTORY_DATABASE_URL": f"sqlite:///{workdir / f'server-{self.port}.sqlite3'}",
            "ENVFACTORY_LOG_LEVEL": "warning",
            "ENVFACTORY_EXTRA_ENVS": extra_envs,
        }
        if pythonpath is not None:
            self.env["PYTHONPATH"] = os.pathsep.join(
                filter(None, [str(pythonpath), os.environ.get("PYTHONPATH")])
            )
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> LocalServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        log_file = (self.workdir / "server.log").open("ab")
        command = [sys.executable, "-m", "envfactory.cli", "serve", "--port", str(self.port)]
        self.proc = subprocess.Popen(command, env=self.env, stdout=log_file, stderr=log_file)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited at start-up; see {self.workdir / 'server.log'}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"the server did not answer within 60 s; see {self.workdir / 'server.log'}")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------- the stages
def prepare_data(out: Path, config: QuickstartConfig) -> dict[str, Any]:
    """Tasks (served by a package in `<out>/envs`) and SFT rows (`<out>/data/sft.jsonl`)."""
    with LocalServer(out / "server") as server:
        items, policy, today = asyncio.run(_read_reference(server.url))
    split = synthesize_tasks(
        items,
        ENV_NAME,
        today,
        seed=config.seed,
        n_items=config.items,
        rl_share=config.rl_share,
        variants=config.variants,
    )
    package = out / "envs" / "quickstart_todo"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(_ENV_MODULE.format(name=ENV_NAME, tools=list(TOOLS)))
    (package / "policy.md").write_text(policy + "\n")
    served = split.rl + split.held_out  # SFT rows are recorded from states, not graded tasks
    (package / "tasks.jsonl").write_text("".join(json.dumps(t) + "\n" for t in served))
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    ids: dict[str, Any] = {"data": data}
    for name in ("sft", "rl", "held_out"):
        tasks = getattr(split, name)
        (data / f"{name}_tasks.jsonl").write_text("".join(json.dumps(t) + "\n" for t in tasks))
        ids[name] = [t["id"] for t in tasks]
    return ids


async def _read_reference(url: str) -> tuple[list[Any], str, date]:
    async with AsyncClient(url) as client:
        items = await fetch_items(client, "todo")
        async with await client.create_session("todo") as session:
            policy = session.messages[0]["content"]
            today = date.fromisoformat((await session.state())["_meta"]["clock"][:10])
    return items, policy, today


def write_sft_rows(url: str, data: Path) -> Path:
    """`<data>/sft.jsonl`: the SFT tasks' solutions, run in live sessions."""
    tasks = [json.loads(line) for line in (data / "sft_tasks.jsonl").read_text().splitlines()]

    async def rows() -> list[dict[str, Any]]:
        async with AsyncClient(url) as client:
            return await solution_rows(client, ENV_NAME, tasks)

    path = data / "sft.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in asyncio.run(rows())))
    return path


def build_untrained(rows_path: Path, out: Path, config: QuickstartConfig) -> tuple[Path, int]:
    """A tokenizer trained on the SFT rows and a freshly initialised model, saved as a checkpoint."""
    import torch

    from .models import build_model, corpus_from_rows, count_parameters, save, train_tokenizer

    rows = [json.loads(line) for line in rows_path.read_text().splitlines()]
    tokenizer = train_tokenizer(corpus_from_rows(rows), vocab_size=config.vocab_size)
    torch.manual_seed(config.seed)
    model = build_model(config.model_preset, tokenizer)
    return save(model, tokenizer, out / "models" / "untrained"), count_parameters(model)


def evaluate_checkpoint(
    model_dir: Path, url: str, task_ids: list[str], config: QuickstartConfig
) -> dict[str, Any]:
    """Held-out success of a saved checkpoint, measured as GRPO measures it (greedy, one episode each)."""
    from .grpo import evaluate_model
    from .models import load

    model, tokenizer = load(model_dir)
    grpo = _grpo_config(model_dir, url, [], task_ids, model_dir.parent, config)
    rollout = grpo.rollout(greedy=grpo.eval_greedy, group_size=grpo.eval_samples)
    return evaluate_model(model, tokenizer, url, ENV_NAME, task_ids, rollout, seed=config.seed).as_dict()


def _grpo_config(
    model_dir: Path, url: str, train: list[str], held: list[str], out: Path, config: QuickstartConfig
) -> Any:
    from .grpo import GRPOConfig

    settings = {
        "model": str(model_dir),
        "server_url": url,
        "env": ENV_NAME,
        "tasks": train or None,
        "eval_tasks": held,
        "output_dir": str(out),
        "steps": config.grpo_steps,
        "tasks_per_step": config.tasks_per_step,
        "group_size": config.group_size,
        "learning_rate": config.grpo_lr,
        "max_new_tokens": config.max_new_tokens,
        "max_turns": config.max_turns,
        "max_seq_len": config.max_seq_len,
        "eval_every": config.eval_every,
        "engine": "transformers",
        "device": "cpu",
        "seed": config.seed,
        "micro_batch_size": 8,
    }
    return GRPOConfig(**{**settings, **config.extra})


# ---------------------------------------------------------------------- the whole loop
def run_quickstart(config: QuickstartConfig) -> dict[str, Any]:
    """Every stage in order; returns the report (also `<output_dir>/report.json`)."""
    import torch

    from .grpo import train_grpo
    from .sft import SFTConfig, train_sft

    torch.set_num_threads(config.threads)
    out = Path(config.output_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        timings[stage] = round(time.perf_counter() - clock, 1)
        clock = time.perf_counter()
        log.info("quickstart: %s done in %.1f s", stage, timings[stage])

    split = prepare_data(out, config)
    with LocalServer(out / "server", "quickstart_todo:QuickstartTodoEnv", out / "envs") as server:
        rows = write_sft_rows(server.url, split["data"])
        lap("data")
        untrained, parameters = build_untrained(rows, out, config)
        before = evaluate_checkpoint(untrained, server.url, split["held_out"], config)
        lap("eval_untrained")
        sft = train_sft(
            SFTConfig(
                data=str(rows),
                out=str(out / "sft"),
                model=str(untrained),
                epochs=config.sft_epochs,
                max_steps=config.sft_max_steps,
                lr=config.sft_lr,
                micro_batch_size=config.sft_micro_batch_size,
                eval_fraction=0.0,
                seed=config.seed,
                device="cpu",
            )
        )
        lap("sft")
        grpo = train_grpo(
            _grpo_config(sft.model_dir, server.url, split["rl"], split["held_out"], out / "grpo", config)
        )
        timings["grpo"] = round(time.perf_counter() - clock, 1)
    report = {
        "held_out_success": {
            "untrained": before["success_rate"],
            "sft": grpo.eval_before.success_rate if grpo.eval_before else None,
            "grpo": grpo.eval_after.success_rate if grpo.eval_after else None,
        },
        "held_out_reward": {
            "untrained": before["mean_reward"],
            "sft": grpo.eval_before.mean_reward if grpo.eval_before else None,
            "grpo": grpo.eval_after.mean_reward if grpo.eval_after else None,
        },
        "evaluations": {
            "untrained": before,
            "sft": grpo.eval_before.as_dict() if grpo.eval_before else None,
            "grpo": grpo.eval_after.as_dict() if grpo.eval_after else None,
        },
        "tasks": {
            "sft": len(split["sft"]),
            "rl": len(split["rl"]),
            "held_out": len(split["held_out"]),
            "sft_rows": _count_lines(rows),
        },
        "model": {"preset": config.model_preset, "parameters": parameters, "vocab_size": config.vocab_size},
        "sft": {
            "steps": sft.steps,
            "train_loss": sft.train_loss,
            "tokens": sft.tokens,
            "seconds": round(sft.seconds, 1),
        },
        "grpo": {"steps": grpo.steps, "final_model": str(grpo.final_model)},
        "seconds": {**timings, "total": round(sum(timings.values()), 1)},
        "config": asdict(config),
    }
    (out / "report.json").write_text(json.dumps(report, indent=2))
    plot_report(report, out)
    return report


def plot_report(report: dict[str, Any], out: Path) -> Path:
    """`report.png`: held-out success and reward per stage, and the GRPO reward curve."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .metrics import read_metrics

    stages = ["untrained", "sft", "grpo"]
    success = [report["held_out_success"][s] or 0.0 for s in stages]
    reward = [report["held_out_reward"][s] or 0.0 for s in stages]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    x = range(len(stages))
    left.bar([i - 0.2 for i in x], success, width=0.4, label="success")
    left.bar([i + 0.2 for i in x], reward, width=0.4, label="mean reward")
    left.set_xticks(list(x), ["untrained", "after SFT", "after GRPO"])
    left.set_ylim(0, 1)
    left.set_title(f"held-out tasks ({report['tasks']['held_out']})")
    left.legend(fontsize=8)
    for i, value in enumerate(success):
        left.annotate(f"{value:.0%}", (i - 0.2, value), ha="center", va="bottom", fontsize=8)
    lines = [m for m in read_metrics(out / "grpo", "grpo") if "reward" in m]
    right.plot([m["step"] for m in lines], [m["reward"] for m in lines], label="train reward")
    right.plot([m["step"] for m in lines], [m["success"] for m in lines], label="train success")
    right.set_xlabel("GRPO step")
    right.set_title("GRPO rollouts")
    right.legend(fontsize=8)
    right.grid(alpha=0.3)
    fig.tight_layout()
    path = out / "report.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _count_lines(path: Path) -> int:
    return sum(1 for line in path.read_text().splitlines() if line.strip())
