"""Authoring API and built-in catalog of EnvFactory environments.

from envfactory.environments import Environment, tool, ToolError
"""

from .environment import CallRecord, Environment, ToolResult
from .errors import (
    CallTimeout,
    DefinitionError,
    EnvFactoryError,
    StateError,
    TaskFormatError,
    ToolArgumentError,
    ToolCallError,
    ToolCrashError,
    ToolError,
    UnknownEnvironmentError,
    UnknownTaskError,
    UnknownToolError,
    did_you_mean,
)
from .mcp import McpEnvironment, McpServerConfig, ResetOnlyError, load_mcp_config
from .registry import ENTRY_POINT_GROUP, Registry, registry
from .rewards import PRESETS, Reward, RewardConfig, evaluate, expected_session, expected_state, state_diff
from .tasks import SolutionCall, Task, UserProfile, dump_tasks, load_tasks, parse_tasks
from .tool import ToolSpec, tool

__all__ = [
    "ENTRY_POINT_GROUP",
    "PRESETS",
    "CallRecord",
    "CallTimeout",
    "DefinitionError",
    "EnvFactoryError",
    "Environment",
    "McpEnvironment",
    "McpServerConfig",
    "Registry",
    "ResetOnlyError",
    "Reward",
    "RewardConfig",
    "SolutionCall",
    "StateError",
    "Task",
    "TaskFormatError",
    "ToolArgumentError",
    "ToolCallError",
    "ToolCrashError",
    "ToolError",
    "ToolResult",
    "ToolSpec",
    "UnknownEnvironmentError",
    "UnknownTaskError",
    "UnknownToolError",
    "UserProfile",
    "did_you_mean",
    "dump_tasks",
    "evaluate",
    "expected_session",
    "expected_state",
    "load_mcp_config",
    "load_tasks",
    "parse_tasks",
    "registry",
    "state_diff",
    "tool",
]
