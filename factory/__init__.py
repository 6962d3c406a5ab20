"""The factory: tool graphs, trajectory synthesis (SFT trajectories + RL tasks), environment
synthesis.

from envfactory.factory import build_graph, synthesize_trajectories
"""

from .graph import Edge, ParamNode, ToolGraph, ToolNode, build_graph
from .openapi import OpenApiSynthesis, compile_document, synth_env_openapi
from .sampler import SamplerConfig, TopologySampler
from .trajectories import (
    TrajectoryConfig,
    TrajectoryResult,
    VerificationError,
    synthesize_trajectories,
    verify,
)

__all__ = [
    "Edge",
    "OpenApiSynthesis",
    "ParamNode",
    "SamplerConfig",
    "ToolGraph",
    "ToolNode",
    "TopologySampler",
    "TrajectoryConfig",
    "TrajectoryResult",
    "VerificationError",
    "build_graph",
    "compile_document",
    "synth_env_openapi",
    "synthesize_trajectories",
    "verify",
]
