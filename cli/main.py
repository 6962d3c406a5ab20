"""`envfactory` command line (typer + rich)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="EnvFactory: stateful tool environments for agents."
)
envs_app = typer.Typer(no_args_is_help=True, help="Browse the environment catalog.")
app.add_typer(envs_app, name="envs")

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
) -> None:
    """Run the server: SQLite event log, in-process host, the installed catalog."""
    import uvicorn

    from envfactory.server import Settings, create_app
    from envfactory.server.logs import configure as configure_logging

    overrides = {
        k: v for k, v in {"host": host, "port": port, "database_url": database_url}.items() if v is not None
    }
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
    import httpx

    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    with httpx.Client(base_url=server, headers=headers, timeout=60) as client:
        if not session:
            listing = client.get("/v1/sessions", params={"active": False, "limit": limit})
            _check(listing)
            session = [row["id"] for row in listing.json()]
        with open(output, "w", encoding="utf-8") as fh:
            for sid in session:
                response = client.get(f"/v1/sessions/{sid}/trajectory")
                _check(response)
                fh.write(json.dumps(response.json(), ensure_ascii=False) + "\n")
    err_console.print(f"wrote {len(session)} trajectories to {output}")


def _check(response: object) -> None:
    if response.is_error:  # type: ignore[attr-defined]
        err_console.print(f"[red]error:[/red] {response.status_code} {response.text}")  # type: ignore[attr-defined]
        raise typer.Exit(1)


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
