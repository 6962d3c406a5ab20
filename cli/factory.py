"""`envfactory synth trajectories …` and `envfactory graph NAME` (the factory's commands).

`synth_app` is a typer sub-app mounted as `envfactory synth`; `graph` is a top-level command.
Subsystems are imported inside the commands so `envfactory --help` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

synth_app = typer.Typer(no_args_is_help=True, help="Synthesize environments and training data.")

console = Console()
err_console = Console(stderr=True)


def _classes(names: list[str]) -> list[Any]:
    from envfactory.environments import UnknownEnvironmentError, registry

    try:
        return [registry.get(name) for name in names]
    except UnknownEnvironmentError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


@synth_app.command("trajectories")
def trajectories(
    env: Annotated[list[str], typer.Option("--env", help="Environment(s) to synthesize from (repeatable).")],
    n: Annotated[
        int, typer.Option("-n", "--n", min=1, help="Examples to write (each: SFT row + RL task).")
    ] = 100,
    out: Annotated[
        Path, typer.Option("--out", help="Directory for sft.jsonl, tasks.jsonl, stats.json.")
    ] = Path("synth-out"),
    seed: Annotated[int, typer.Option(help="Sampler seed: the same seed gives the same data.")] = 0,
    mode: Annotated[
        str, typer.Option(help="'template' (offline) or 'llm' (ENVFACTORY_LLM_BASE_URL, with refinement).")
    ] = "template",
    multi_turn: Annotated[
        bool, typer.Option("--multi-turn", help="Split requests over several turns.")
    ] = False,
    cross_env: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Chance a chain continues in a second --env.")
    ] = 0.0,
    pass_k: Annotated[int, typer.Option(min=1, help="LLM mode: solver attempts per query version.")] = 4,
    refine_rounds: Annotated[int, typer.Option(min=0, help="LLM mode: refinement rounds.")] = 2,
) -> None:
    """Sample tool chains, execute them, and write verified SFT trajectories and RL tasks."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from envfactory.factory.graph import build_graph
    from envfactory.factory.llm import LLM, LLMError
    from envfactory.factory.reports import print_stats
    from envfactory.factory.trajectories import TrajectoryConfig, synthesize_trajectories

    if mode not in ("template", "llm"):
        err_console.print(f"[red]error:[/red] unknown mode {mode!r}; use --mode template or --mode llm")
        raise typer.Exit(2)
    classes = _classes(env)
    llm = None
    if mode == "llm":
        try:
            llm = LLM.from_env()
        except LLMError as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None
    config = TrajectoryConfig(
        n=n,
        seed=seed,
        mode=mode,
        multi_turn=multi_turn,
        cross_env=cross_env,
        pass_k=pass_k,
        refine_rounds=refine_rounds,
    )
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console) as progress:
        bar = progress.add_task("tool graph", total=None)
        graph = build_graph(classes)
        progress.update(bar, description="verified examples", total=n, completed=0)
        result = synthesize_trajectories(
            classes,
            config,
            llm=llm,
            graph=graph,
            progress=lambda done, total: progress.update(bar, completed=done),
        )
    paths = result.write(out)
    print_stats(result.stats)
    err_console.print(f"wrote {paths['sft']}, {paths['tasks']}, {paths['stats']}")
    if not result.records:
        raise typer.Exit(1)


def graph(
    name: Annotated[list[str], typer.Argument(help="Environment(s); several are drawn side by side.")],
    png: Annotated[Path | None, typer.Option("--png", help="Write the picture here.")] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Write nodes and edges as JSON here.")
    ] = None,
    observe: Annotated[
        bool, typer.Option("--observe/--no-observe", help="Run the tools to observe outputs and data flow.")
    ] = True,
) -> None:
    """Build the tool graph of an environment: what each tool needs and gives (PNG and JSON)."""
    from envfactory.factory.graph import build_graph

    built = build_graph(_classes(name), observe=observe)
    data = built.to_json()
    if png is not None:
        built.to_png(png)
        err_console.print(f"wrote {png}")
    if json_path is not None:
        json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        err_console.print(f"wrote {json_path}")
    if png is None and json_path is None:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    counts = data["counts"]
    produces, flows = counts.get("produces_edges", 0), counts.get("data_flow_edges", 0)
    console.print(
        f"{counts['tools']} tools, {counts['params']} parameters ({counts['user_providable']} "
        f"user-providable), {produces} produces edges, {flows} data-flow edges"
    )


@synth_app.command("env")
def synth_env(
    source: Annotated[
        Path,
        typer.Option(
            "--from",
            exists=True,
            dir_okay=False,
            help="An OpenAPI 3 / Swagger 2 document, an MCP tools/list JSON, or API docs (markdown or text).",
        ),
    ],
    out: Annotated[Path, typer.Option(help="Catalog directory; the environment goes to OUT/NAME/.")] = Path(
        "synthesized"
    ),
    name: Annotated[str | None, typer.Option(help="Environment name (default: from the document).")] = None,
    rounds: Annotated[
        int, typer.Option(min=1, max=10, help="LLM rounds: the first answer plus repairs.")
    ] = 3,
    seed: Annotated[int, typer.Option(help="Seed of the generated data (OpenAPI).")] = 0,
    call_timeout: Annotated[float, typer.Option(help="Seconds per tool call while verifying.")] = 5.0,
    overwrite: Annotated[bool, typer.Option(help="Replace OUT/NAME if it exists.")] = False,
    report: Annotated[
        Path | None, typer.Option(help="Also write the report (JSON) here, verified or not.")
    ] = None,
) -> None:
    """Write a verified environment: OpenAPI through the compiler, MCP manifests and API docs
    through the LLM (ENVFACTORY_LLM_*), verified in the process host and repaired."""
    from envfactory.factory.synth import detect_source_kind

    if detect_source_kind(source) == "openapi":
        _synth_openapi(source, out, seed, name, report)
    else:
        _synth_llm(source, out, name, rounds, call_timeout, overwrite, report)


def _synth_openapi(source: Path, out: Path, seed: int, name: str | None, report: Path | None) -> None:
    from rich.markup import escape

    from envfactory.factory.openapi import CompileError, OpenApiError, synth_env_openapi

    try:
        with console.status(f"compiling and verifying {source.name}"):
            result = synth_env_openapi(source, out, seed=seed, name=name)
    except (CompileError, OpenApiError) as exc:
        err_console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
    if report is not None:
        report.write_text(json.dumps(result.report, indent=1) + "\n", encoding="utf-8")
    if not result.verified:
        err_console.print(f"[red]not verified[/red]: {escape(result.report.get('error') or '')}")
        for failure in result.report.get("failures", [])[:10]:
            err_console.print(f"  [red]✗[/red] {escape(json.dumps(failure)[:300])}")
        raise typer.Exit(1)
    r = result.report
    console.print(
        f"[green]verified[/green] {result.name} → {result.folder} "
        f"({r['tools']} tools, {r['tables']} tables, {r['tasks']} tasks; "
        f"compile {r['seconds']['compile']:.2f} s, verify {r['seconds']['verify']:.2f} s)"
    )
    console.print(f"serve it: ENVFACTORY_EXTRA_ENVS={out} envfactory serve")


def _synth_llm(
    source: Path,
    out: Path,
    name: str | None,
    rounds: int,
    call_timeout: float,
    overwrite: bool,
    report: Path | None,
) -> None:
    from rich.markup import escape

    from envfactory.factory.llm import LLM, LLMError
    from envfactory.factory.synth import SourceError, synthesize_environment
    from envfactory.factory.verify import VerifyLimits

    try:
        llm = LLM.from_env()
        with console.status(f"synthesizing from {source.name}") as status:
            result = synthesize_environment(
                source,
                llm,
                out,
                rounds,
                name=name,
                overwrite=overwrite,
                limits=VerifyLimits(call_timeout_s=call_timeout),
                progress=lambda line: status.update(escape(line)),
            )
    except (SourceError, ValueError, FileExistsError, LLMError) as exc:
        err_console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
    if report is not None:
        report.write_text(json.dumps(result.to_json(), indent=1) + "\n", encoding="utf-8")
    for r in result.rounds:
        console.print(f"round {r.round}: {r.passed}/{r.total} checks passed ({r.duration_s:.1f} s)")
    if not result.verified:
        for check in result.report.failures[:20]:
            err_console.print(f"[red]✗[/red] {escape(f'[{check.check}] {check.subject}: {check.detail}')}")
        err_console.print(f"[red]not verified[/red] after {len(result.rounds)} round(s); nothing was written")
        raise typer.Exit(1)
    console.print(f"[green]verified[/green] {result.name} → {result.path}")
    console.print(
        f"serve it: ENVFACTORY_EXTRA_ENVS={out} ENVFACTORY_HOSTS={result.name}=process envfactory serve"
    )


@synth_app.command("verify")
def synth_verify(
    folder: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="A folder `synth env` wrote.")],
) -> None:
    """Run verification again on a synthesized environment's folder (exit 1 on a failure)."""
    from rich.markup import escape

    from envfactory.factory.synth import reverify

    result = reverify(folder)
    for check in result.failures:
        err_console.print(f"[red]✗[/red] {escape(f'[{check.check}] {check.subject}: {check.detail}')}")
    console.print(f"{result.passed}/{len(result.checks)} checks passed")
    raise typer.Exit(0 if result.verified else 1)
