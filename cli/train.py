"""`envfactory train sft|grpo` and `envfactory quickstart` (typer). Torch is imported only when a
command runs, so the rest of the CLI stays light."""

from __future__ import annotations

import json
import logging
import signal
import sys
from dataclasses import fields
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

train_app = typer.Typer(
    no_args_is_help=True, help="Train models: SFT on trajectories, GRPO against a live server."
)
console = Console()
err_console = Console(stderr=True)

ConfigFile = Annotated[
    Path | None, typer.Option("--config", help="JSON file of config fields (flags and --set override it).")
]
Overrides = Annotated[
    list[str] | None,
    typer.Option("--set", help="FIELD=VALUE for any config field (VALUE as JSON, else text)."),
]


def _settings(config_file: Path | None, overrides: list[str] | None, flags: dict[str, Any]) -> dict[str, Any]:
    settings: dict[str, Any] = json.loads(config_file.read_text()) if config_file else {}
    settings.update({k: v for k, v in flags.items() if v is not None})
    for item in overrides or []:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"--set expects FIELD=VALUE, got {item!r}")
        try:
            settings[key] = json.loads(raw)
        except json.JSONDecodeError:
            settings[key] = raw
    return settings


def _build(cls: type, settings: dict[str, Any]) -> Any:
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(settings) - known)
    if unknown:
        err_console.print(
            f"[red]error:[/red] unknown {cls.__name__} fields {unknown}; known: {sorted(known)}"
        )
        raise typer.Exit(2)
    try:
        return cls(**settings)
    except (TypeError, ValueError) as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


def _logging(verbose: bool) -> None:
    """Long jobs report every step (INFO); `--verbose` adds the libraries' debug output."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format="%(asctime)s %(message)s")
    for noisy in ("httpx", "httpcore", "urllib3", "matplotlib", "filelock"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@train_app.command("sft")
def sft(
    data: Annotated[
        str | None, typer.Argument(help="JSONL rows {messages, tools} (e.g. `envfactory export`).")
    ] = None,
    out: Annotated[str | None, typer.Option(help="Run folder (metrics.jsonl, model/).")] = None,
    model: Annotated[str | None, typer.Option(help="Checkpoint to fine-tune (default: build one).")] = None,
    model_config: Annotated[
        str | None, typer.Option(help="Preset for a new model: tiny, small, 100m.")
    ] = None,
    epochs: Annotated[float | None, typer.Option(help="Passes over the data.")] = None,
    lr: Annotated[float | None, typer.Option(help="Peak learning rate.")] = None,
    config: ConfigFile = None,
    set_: Overrides = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Supervised fine-tuning on tool-calling trajectories (assistant tokens only)."""
    from envfactory.trainer.metrics import plot_metrics
    from envfactory.trainer.sft import SFTConfig, train_sft

    _logging(verbose)
    flags = {
        "data": data,
        "out": out,
        "model": model,
        "model_config": model_config,
        "epochs": epochs,
        "lr": lr,
    }
    cfg = _build(SFTConfig, _settings(config, set_, flags))
    result = train_sft(cfg)
    plot_metrics(result.metrics_path, Path(cfg.out) / "sft.png", phase="sft")
    console.print(
        f"SFT: {result.steps} steps, {result.tokens:,} tokens in {result.seconds:.0f} s; "
        f"train loss {result.train_loss:.4f}"
        + (f", eval loss {result.eval_loss:.4f}" if result.eval_loss is not None else "")
        + f"\nmodel: {result.model_dir}",
        soft_wrap=True,
    )


@train_app.command("grpo")
def grpo(
    model: Annotated[
        str | None, typer.Option(help="Checkpoint to train (SFT output or any HF model).")
    ] = None,
    server: Annotated[str | None, typer.Option(envvar="ENVFACTORY_URL", help="Server URL.")] = None,
    env: Annotated[str | None, typer.Option(help="Environment whose tasks to train on.")] = None,
    task: Annotated[list[str] | None, typer.Option(help="Training task id (repeat; default: all).")] = None,
    eval_task: Annotated[list[str] | None, typer.Option(help="Held-out task id (repeat).")] = None,
    output: Annotated[str | None, typer.Option(help="Run folder.")] = None,
    steps: Annotated[int | None, typer.Option(help="Optimizer steps.")] = None,
    group_size: Annotated[int | None, typer.Option(help="Episodes per task (G).")] = None,
    tasks_per_step: Annotated[int | None, typer.Option(help="Tasks (groups) per step.")] = None,
    lr: Annotated[float | None, typer.Option(help="Learning rate.")] = None,
    engine: Annotated[str | None, typer.Option(help="auto, transformers or vllm.")] = None,
    vllm_url: Annotated[str | None, typer.Option(help="Generate through this vLLM server.")] = None,
    api_key: Annotated[str | None, typer.Option(envvar="ENVFACTORY_API_KEY", help="Server key.")] = None,
    config: ConfigFile = None,
    set_: Overrides = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """GRPO against a running server: rollouts in live sessions, rewards from the server."""
    from envfactory.trainer.grpo import GRPOConfig, train_grpo

    _logging(verbose)
    flags = {
        "model": model,
        "server_url": server,
        "env": env,
        "tasks": task,
        "eval_tasks": eval_task,
        "output_dir": output,
        "steps": steps,
        "group_size": group_size,
        "tasks_per_step": tasks_per_step,
        "learning_rate": lr,
        "engine": engine,
        "vllm_url": vllm_url,
        "api_key": api_key,
    }
    settings = _settings(config, set_, flags)
    if "model" not in settings:
        err_console.print("[red]error:[/red] --model is required (a checkpoint folder, e.g. runs/sft/model)")
        raise typer.Exit(2)
    result = train_grpo(_build(GRPOConfig, settings))
    before, after = result.eval_before, result.eval_after
    if before is not None and after is not None:
        console.print(f"held-out success: {before.success_rate:.1%} -> {after.success_rate:.1%}")
    console.print(
        f"GRPO: {result.steps} steps; model: {result.final_model}; metrics: {result.output_dir}",
        soft_wrap=True,
    )


def quickstart(
    output: Annotated[
        str, typer.Option(help="Folder for data, models, metrics and the report.")
    ] = "quickstart-out",
    grpo_steps: Annotated[int | None, typer.Option(help="GRPO steps.")] = None,
    sft_epochs: Annotated[float | None, typer.Option(help="SFT epochs.")] = None,
    model_preset: Annotated[str | None, typer.Option(help="Model size: tiny or small.")] = None,
    threads: Annotated[int | None, typer.Option(help="PyTorch threads.")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for tasks, model and sampling.")] = None,
    set_: Overrides = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """The whole loop offline on this machine: server, synthesized data, SFT, GRPO, held-out report."""
    from envfactory.trainer.quickstart import QuickstartConfig, run_quickstart

    _logging(verbose)
    flags = {
        "output_dir": output,
        "grpo_steps": grpo_steps,
        "sft_epochs": sft_epochs,
        "model_preset": model_preset,
        "threads": threads,
        "seed": seed,
    }
    cfg = _build(QuickstartConfig, _settings(None, set_, flags))
    # A plain SIGTERM would skip the clean-up that stops the quickstart's server subprocess.
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        report = run_quickstart(cfg)
    finally:
        signal.signal(signal.SIGTERM, previous)
    table = Table(title=f"held-out tasks ({report['tasks']['held_out']})")
    for column in ("stage", "success", "mean reward"):
        table.add_column(column)
    for stage, label in (("untrained", "untrained"), ("sft", "after SFT"), ("grpo", "after GRPO")):
        success, reward = report["held_out_success"][stage], report["held_out_reward"][stage]
        table.add_row(label, f"{success:.1%}", f"{reward:.3f}")
    console.print(table)
    console.print(
        f"{report['seconds']['total']:.0f} s in all; report: {Path(output) / 'report.json'}, report.png",
        soft_wrap=True,  # paths stay copyable
    )
