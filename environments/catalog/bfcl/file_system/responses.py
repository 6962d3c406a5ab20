"""Response shapes of the file system tools: the documented response fields, one TypedDict each."""

from __future__ import annotations

from typing import TypedDict


class FileContent(TypedDict, total=False):
    file_content: str


class WorkingDirectory(TypedDict, total=False):
    current_working_directory: str


class OperationResult(TypedDict, total=False):
    result: str


class DiffResult(TypedDict, total=False):
    diff_lines: str


class DiskUsage(TypedDict, total=False):
    disk_usage: str


class EchoResult(TypedDict, total=False):
    terminal_output: str | None


class FindResult(TypedDict, total=False):
    matches: list[str]


class GrepResult(TypedDict, total=False):
    matching_lines: list[str]


class Listing(TypedDict, total=False):
    current_directory_content: list[str]


class Empty(TypedDict, total=False):
    pass


class SortResult(TypedDict, total=False):
    sorted_content: str


class TailResult(TypedDict, total=False):
    last_lines: str


class WordCount(TypedDict, total=False):
    count: int
    type: str
