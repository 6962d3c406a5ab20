"""`envfactory` command line (typer + rich)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from envfactory.cli.factory import graph as graph_command
from envfactory.cli.factory import synth_app
from envfactory.cli.train import quickstart, train_app

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="EnvFactory: stateful tool environments for agents."
)
envs_app = typer.Typer(no_args_is_help=True, help="Browse the environment catalog.")
app.add_typer(envs_app, name="envs")
app.add_typer(synth_app, name="synth")
app.command("graph")(graph_command)
app.add_typer(train_app, name="train")
app.command("quickstart")(quickstart)

console = Console()
err_console = Console(stderr=True)


def _env_class(name: str) -> type:
    from envfactory.environments import UnknownEnvironmentError, registry

    try:
        return registry.get(name)
    except UnknownEnvironmentError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


@envs_app.command("list")
def envs_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List registered environments."""
    from envfactory.environments import registry

    classes, broken = registry.load_all()
    for name, why in broken.items():
        err_console.print(f"[yellow]warning:[/yellow] environment {name!r} failed to load: {why}")
    rows = []
    for cls in classes:
        writes = sum(1 for t in cls.tools.values() if t.write)
        rows.append(
            {
                "name": cls.name,
                "domain": cls.domain,
                "version": cls.version,
                "tools": len(cls.tools),
                "write_tools": writes,
                "tasks": len(cls.tasks()),
                "description": cls.description,
            }
        )
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"{len(rows)} environments")
    for col in ("name", "domain", "tools", "tasks", "description"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            r["name"],
            r["domain"],
            f"{r['tools']} ({r['write_tools']} write)",
            str(r["tasks"]),
            r["description"],
        )
    console.print(table)


@envs_app.command("show")
def envs_show(name: str) -> None:
    """Print an environment's catalog entry with its tools in OpenAI function form."""
    cls = _env_class(name)
    entry = {
        "name": cls.name,
        "domain": cls.domain,
        "description": cls.description,
        "version": cls.version,
        "kind": "native",
        "tools": cls.openai_tools(),
    }
    typer.echo(json.dumps(entry, indent=2, ensure_ascii=False))


@envs_app.command("check")
def envs_check(
    names: Annotated[list[str] | None, typer.Argument(help="Environments (default: all).")] = None,
) -> None:
    """Run the conformance checks (schemas, solutions, determinism, forks, state round trip)."""
    from envfactory.environments import registry
    from envfactory.environments.conformance import check_environment

    failed = False
    for name in names or registry.names():
        table = Table(title=name, show_header=False)
        for result in check_environment(_env_class(name)):
            failed |= not result.ok
            table.add_row(
                "[green]pass[/green]" if result.ok else "[red]FAIL[/red]", result.check, result.message
            )
        console.print(table)
    if failed:
        raise typer.Exit(1)


@app.command("tasks")
def tasks(
    name: str,
    solutions: Annotated[bool, typer.Option("--solutions", help="Include ground-truth solutions.")] = False,
    as_jsonl: Annotated[bool, typer.Option("--jsonl", help="Print tasks as JSONL.")] = False,
) -> None:
    """List an environment's tasks."""
    cls = _env_class(name)
    items = cls.tasks()
    if as_jsonl:
        for t in items:
            record = t.model_dump(mode="json", exclude_defaults=True)
            if not solutions:
                record.pop("solution", None)
            typer.echo(json.dumps(record, ensure_ascii=False))
        return
    table = Table(title=f"{cls.name}: {len(items)} tasks")
    table.add_column("id", no_wrap=True)
    table.add_column("instruction", overflow="fold")
    if solutions:
        table.add_column("solution", overflow="fold")
    for t in items:
        row = [t.id, t.instruction]
        if solutions:
            row.append("\n".join(f"{c.name}({json.dumps(c.arguments)})" for c in t.solution))
        table.add_row(*row)
    console.print(table)


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default from settings: 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from settings: 8000).")] = None,
    database_url: Annotated[
        str | None, typer.Option(help="Event log URL (SQLite file or PostgreSQL).")
    ] = None,
    mcp_config: Annotated[
        Path | None,
        typer.Option(help="JSON/TOML file of MCP servers to serve as environments (a process per session)."),
    ] = None,
) -> None:
    """Run the server: SQLite event log, in-process host, the installed catalog."""
    import uvicorn

    from envfactory.server import Settings, create_app
    from envfactory.server.logs import configure as configure_logging

    config_file = str(mcp_config) if mcp_config else None
    given = {"host": host, "port": port, "database_url": database_url, "mcp_config": config_file}
    overrides = {k: v for k, v in given.items() if v is not None}
    settings = Settings(**overrides)
    configure_logging(settings.log_level, settings.log_format)
    application = create_app(settings)
    bind = settings.host
    if not application.state.auth_enabled and bind not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(f"[yellow]auth is off (no API keys): binding 127.0.0.1 instead of {bind}[/yellow]")
        bind = "127.0.0.1"
    uvicorn.run(
        application, host=bind, port=settings.port, log_level=settings.log_level, timeout_graceful_shutdown=30
    )


@app.command("export")
def export(
    output: Annotated[str, typer.Option("--output", "-o", help="JSONL file to write.")],
    server: Annotated[
        str, typer.Option(envvar="ENVFACTORY_URL", help="Server URL.")
    ] = "http://127.0.0.1:8000",
    session: Annotated[
        list[str] | None, typer.Option(help="Session ids (default: every session of the key).")
    ] = None,
    api_key: Annotated[str | None, typer.Option(envvar="ENVFACTORY_API_KEY", help="Bearer key.")] = None,
    limit: Annotated[int, typer.Option(help="Most sessions to export when no ids are given.")] = 1000,
) -> None:
    """Write trajectories as JSONL rows {messages, tools, reward, metadata} (TRL tool-calling SFT format)."""
    from envfactory.sdk import Client, EnvFactoryError

    try:
        with Client(server, api_key=api_key) as client:
            if not session:
                session = [row["id"] for row in client.sessions(active=False, limit=limit)]
            with open(output, "w", encoding="utf-8") as fh:
                for sid in session:
                    fh.write(json.dumps(client.trajectory(sid), ensure_ascii=False) + "\n")
    except EnvFactoryError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    err_console.print(f"wrote {len(session)} trajectories to {output}")


@app.command("eval")
def evaluate(
    env: Annotated[list[str], typer.Option("--env", help="Environment(s) to evaluate on (repeatable).")],
    model: Annotated[str, typer.Option(help="Model name at the chat endpoint.")],
    base_url: Annotated[
        str | None,
        typer.Option(
            envvar="ENVFACTORY_MODEL_BASE_URL", help="OpenAI-compatible endpoint, e.g. http://host:8001/v1."
        ),
    ] = None,
    tasks: Annotated[
        str | None, typer.Option(help="Comma-separated task ids (default: every task of each environment).")
    ] = None,
    server: Annotated[str, typer.Option(envvar="ENVFACTORY_URL", help="EnvFactory server URL.")] = (
        "http://127.0.0.1:8000"
    ),
    api_key: Annotated[str | None, typer.Option(envvar="ENVFACTORY_API_KEY", help="EnvFactory key.")] = None,
    model_api_key: Annotated[
        str | None, typer.Option(envvar="OPENAI_API_KEY", help="Key for the model endpoint.")
    ] = None,
    output: Annotated[str, typer.Option("--output", "-o", help="Directory for trajectories and report.")] = (
        "eval-out"
    ),
    samples: Annotated[int, typer.Option(help="Episodes per task.")] = 1,
    concurrency: Annotated[int, typer.Option(help="Episodes at once.")] = 8,
    max_turns: Annotated[int, typer.Option(help="Model turns per episode.")] = 30,
    temperature: Annotated[float | None, typer.Option(help="Sampling temperature.")] = None,
    max_tokens: Annotated[int | None, typer.Option(help="Most tokens per model turn.")] = None,
    user: Annotated[str, typer.Option(help="'instruction' (single turn) or 'llm' (simulated user).")] = (
        "instruction"
    ),
) -> None:
    """Run a model on tasks and write trajectories.jsonl, report.json and report.png (resumable)."""
    from pathlib import Path

    from envfactory.sdk import ChatModel, Client, EnvFactoryError, run_batch
    from envfactory.sdk.batch import read_rows
    from envfactory.sdk.report import summarize, write_report

    wanted = {t.strip() for t in tasks.split(",")} if tasks else None
    jobs = []
    try:
        with Client(server, api_key=api_key) as client:
            for name in env:
                ids = [t["id"] for t in client.tasks(name)]
                if wanted is not None:
                    ids = [i for i in ids if i in wanted]
                jobs.extend((name, i) for i in ids)
    except EnvFactoryError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    if not jobs:
        err_console.print("[red]error:[/red] no tasks match")
        raise typer.Exit(2)
    out = Path(output)
    trajectories = out / "trajectories.jsonl"
    chat = ChatModel(
        model, base_url=base_url, api_key=model_api_key, temperature=temperature, max_tokens=max_tokens
    )
    run_batch(
        chat,
        jobs,
        base_url=server,
        api_key=api_key,
        output=trajectories,
        samples=samples,
        concurrency=concurrency,
        max_turns=max_turns,
        user=user,
    )
    keys = {f"{e}/{t}#{k}" for e, t in jobs for k in range(samples)}
    rows = (
        [r for r in read_rows(trajectories) if r["metadata"].get("key") in keys]
        if trajectories.exists()
        else []
    )
    summary = summarize(rows)
    paths = write_report(summary, out, title=f"{model} on {', '.join(env)}")
    table = Table("environment", "episodes", "success", "mean reward")
    for name, stats in summary["environments"].items():
        rate = stats["success_rate"]
        table.add_row(
            name,
            str(stats["episodes"]),
            f"{100 * rate:.1f}%" if rate is not None else "-",
            str(stats["mean_reward"]),
        )
    console.print(table)
    missing = len(keys) - len(rows)
    if missing:
        err_console.print(
            f"[yellow]{missing} episodes failed; see {trajectories}.errors.jsonl (re-run to retry)[/yellow]"
        )
    err_console.print(f"wrote {trajectories}, {paths['json']}, {paths['png']}")


@app.command("config")
def config() -> None:
    """Print the effective server settings (ENVFACTORY_* variables applied)."""
    from envfactory.server import Settings

    typer.echo(Settings().model_dump_json(indent=2))


@app.command("version")
def version() -> None:
    """Print the installed version."""
    from importlib.metadata import version as dist_version

    typer.echo(dist_version("envfactory"))
