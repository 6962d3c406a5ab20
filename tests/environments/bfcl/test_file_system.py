"""BFCL GorillaFileSystem (`bfcl_file_system`): docs match, config round trip, conformance,
documented behaviour. Seed facts: the session starts in /dana, which holds notes.txt, todo.md, a
hidden .bash_history, logs/ (server.log with 12 lines, 3 of them ERROR), drafts/, an empty archive/,
and photos/ with an empty family/ and trip_lisbon/ (3 pictures)."""

from __future__ import annotations

import pytest

from envfactory.environments.catalog.bfcl.file_system import GorillaFileSystemEnv
from envfactory.environments.conformance import check_environment
from tests.environments.bfcl.docs import initial_config, schema_mismatches
from tests.environments.helpers import ok, refused

Env = GorillaFileSystemEnv


@pytest.fixture
def env() -> GorillaFileSystemEnv:
    return Env.create()


def test_tools_match_the_bfcl_docs() -> None:
    assert schema_mismatches(Env, "gorilla_file_system.json") == []


def test_the_bfcl_example_config_is_the_state_and_round_trips() -> None:
    config = initial_config("GorillaFileSystem")
    env = Env.create(state=config)
    exported = env.export_state()
    assert {key: exported[key] for key in config} == config
    assert exported["current_working_directory"] == "/workspace"
    assert Env.from_state(exported).export_state() == exported
    assert ok(env, "ls") == {"current_directory_content": ["archive", "document"]}
    ok(env, "cd", folder="document")
    assert ok(env, "cat", file_name="final_report.pdf")["file_content"].startswith("Year2024")


def test_a_changed_tree_and_working_directory_survive_export_and_import(env: GorillaFileSystemEnv) -> None:
    ok(env, "cd", folder="documents")
    ok(env, "mkdir", dir_name="invoices")
    exported = env.export_state()
    assert exported["root"]["dana"]["contents"]["documents"]["contents"]["invoices"] == {
        "type": "directory",
        "contents": {},
    }
    copy = Env.from_state(exported)
    assert ok(copy, "pwd") == {"current_working_directory": "/dana/documents"}
    assert copy.state_hash() == env.state_hash()


def test_the_environment_conforms() -> None:
    assert [r for r in check_environment(Env) if not r.ok] == []


def test_cd_moves_one_level_at_a_time_and_refuses_paths(env: GorillaFileSystemEnv) -> None:
    assert ok(env, "cd", folder="logs") == {"current_working_directory": "/dana/logs"}
    assert ok(env, "cd", folder="..") == {"current_working_directory": "/dana"}
    assert "only names in the current directory" in refused(env, "cd", folder="projects/budget_planner")
    assert "Not a directory" in refused(env, "cd", folder="notes.txt")
    assert "No such file or directory" in refused(env, "cd", folder="music")
    ok(env, "cd", folder="..")
    assert "already at the root" in refused(env, "cd", folder="..")


def test_file_tools_work_on_names_in_the_current_directory_only(env: GorillaFileSystemEnv) -> None:
    assert "is a path" in refused(env, "cat", file_name="logs/server.log")
    assert "No such file" in refused(env, "cat", file_name="server.log")
    assert "Is a directory" in refused(env, "cat", file_name="logs")
    ok(env, "cd", folder="logs")
    assert ok(env, "wc", file_name="server.log") == {"count": 12, "type": "lines"}
    assert len(ok(env, "grep", file_name="server.log", pattern="ERROR")["matching_lines"]) == 3
    assert ok(env, "tail", file_name="backup.log", lines=1) == {"last_lines": "2026-02-24 backup ok 1.9 GB"}
    assert "invalid mode" in refused(env, "wc", file_name="server.log", mode="x")


def test_echo_prints_by_default_and_otherwise_replaces_the_file(env: GorillaFileSystemEnv) -> None:
    before = env.state_hash()
    assert ok(env, "echo", content="hello") == {"terminal_output": "hello"}
    assert env.state_hash() == before
    assert ok(env, "echo", content="Heating fixed.", file_name="notes.txt") == {"terminal_output": None}
    assert ok(env, "cat", file_name="notes.txt") == {"file_content": "Heating fixed."}
    ok(env, "echo", content="new file", file_name="fresh.txt")
    assert "fresh.txt" in ok(env, "ls")["current_directory_content"]
    assert "Is a directory" in refused(env, "echo", content="x", file_name="logs")


def test_ls_hides_dot_files_unless_asked(env: GorillaFileSystemEnv) -> None:
    plain = ok(env, "ls")["current_directory_content"]
    everything = ok(env, "ls", a=True)["current_directory_content"]
    assert ".bash_history" not in plain and ".config" not in plain
    assert set(everything) - set(plain) == {".bash_history", ".config"}
    assert plain == sorted(plain)


def test_find_searches_below_a_path_and_reports_paths_relative_to_it(env: GorillaFileSystemEnv) -> None:
    assert ok(env, "find", name="q1")["matches"] == ["./projects/sales_dashboard/data/q1_sales.csv"]
    assert ok(env, "find", path="photos/trip_lisbon", name="None")["matches"] == [
        "photos/trip_lisbon/pasteis.jpg",
        "photos/trip_lisbon/sunset_belem.jpg",
        "photos/trip_lisbon/tram_28.jpg",
    ]
    assert ok(env, "find", path="/", name="backup.log")["matches"] == ["/dana/logs/backup.log"]
    assert "Not a directory" in refused(env, "find", path="notes.txt")


def test_cp_and_mv_go_into_a_folder_or_take_a_new_name_but_never_overwrite(env: GorillaFileSystemEnv) -> None:
    assert ok(env, "cp", source="notes.txt", destination="archive") == {
        "result": "Copied 'notes.txt' to 'archive/notes.txt'."
    }
    assert "already exists" in refused(env, "cp", source="notes.txt", destination="archive")
    assert "already exists" in refused(env, "mv", source="notes.txt", destination="todo.md")
    ok(env, "mv", source="drafts", destination="archive")
    ok(env, "mv", source="todo.md", destination="tasks.md")
    names = ok(env, "ls")["current_directory_content"]
    assert "drafts" not in names and "todo.md" not in names and "tasks.md" in names
    ok(env, "cd", folder="archive")
    assert ok(env, "find", name="blog")["matches"] == [
        "./drafts/blog_post_draft.txt",
        "./drafts/blog_post_final.txt",
    ]
    assert ok(env, "cat", file_name="notes.txt")["file_content"].startswith("Call the landlord")


def test_rmdir_removes_only_empty_folders_and_rm_removes_whole_trees(env: GorillaFileSystemEnv) -> None:
    assert "Directory not empty" in refused(env, "rmdir", dir_name="photos")
    assert "Not a directory" in refused(env, "rmdir", dir_name="notes.txt")
    ok(env, "rm", file_name="photos")
    assert ok(env, "find", name="jpg")["matches"] == []
    assert ok(env, "rmdir", dir_name="archive") == {"result": "Removed directory 'archive'."}
    assert "No such file" in refused(env, "rm", file_name="archive")


def test_du_sizes_the_current_folder_and_diff_compares_two_files(env: GorillaFileSystemEnv) -> None:
    ok(env, "cd", folder="projects")
    assert ok(env, "du") == {"disk_usage": "607 bytes"}
    assert ok(env, "du", human_readable=True) == {"disk_usage": "607 B"}
    ok(env, "cd", folder="..")
    ok(env, "cd", folder="drafts")
    lines = ok(env, "diff", file_name1="blog_post_draft.txt", file_name2="blog_post_final.txt")["diff_lines"]
    assert "-3. Label every axis." in lines.splitlines() and "+3. Label every axis and every unit." in lines
    same = ok(env, "diff", file_name1="blog_post_draft.txt", file_name2="blog_post_draft.txt")
    assert same == {"diff_lines": ""}
