"""The EnvFactory Python SDK: clients for the server, the agent loop, batches and reports.

from envfactory.sdk import ChatModel, Client, run_episode
"""

from ._core import ToolCallFormatError
from .agent import ChatModel, ModelTurn, Trajectory, arun_episode, run_episode
from .batch import Episode, arun_batch, run_batch
from .client import AsyncClient, AsyncSession, Client, Session
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    EnvFactoryError,
    InternalServerError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
)
from .users import STOP_MARKER, LLMUser, SingleInstruction, UserSimulator

__all__ = [
    "STOP_MARKER",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AsyncSession",
    "AuthenticationError",
    "BadRequestError",
    "ChatModel",
    "Client",
    "ConflictError",
    "EnvFactoryError",
    "Episode",
    "InternalServerError",
    "LLMUser",
    "ModelTurn",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServiceUnavailableError",
    "Session",
    "SingleInstruction",
    "ToolCallFormatError",
    "Trajectory",
    "UserSimulator",
    "arun_batch",
    "arun_episode",
    "run_batch",
    "run_episode",
]
