"""Trainer: renderer, offline models, SFT, and GRPO against a live server (rollout engines,
rollouts, losses, metrics, the quickstart).

Names are imported lazily so `import envfactory.trainer` stays cheap and never pulls in torch
before it is used.

    from envfactory.trainer import Renderer, SFTConfig, train_sft, train_tokenizer, build_model
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS: dict[str, str] = {
    # render
    "PrefixDriftError": "render",
    "Rendered": "render",
    "Renderer": "render",
    # toolcalls
    "HermesParser": "toolcalls",
    "ToolCallParseError": "toolcalls",
    "ToolCallParser": "toolcalls",
    "get_parser": "toolcalls",
    "register_parser": "toolcalls",
    # models
    "CHAT_TEMPLATE": "models",
    "ModelConfig": "models",
    "build_model": "models",
    "corpus_from_rows": "models",
    "count_parameters": "models",
    "load": "models",
    "save": "models",
    "train_tokenizer": "models",
    # data
    "load_rows": "data",
    "pack": "data",
    # sft
    "SFTConfig": "sft",
    "SFTResult": "sft",
    "train_sft": "sft",
    # engines
    "Completion": "engines",
    "Engine": "engines",
    "EngineError": "engines",
    "TransformersEngine": "engines",
    "make_engine": "engines",
    "NcclWeightSync": "engines_vllm",
    "VLLMEngine": "engines_vllm",
    "VLLMServerEngine": "engines_vllm",
    # rollout
    "Episode": "rollout",
    "EvalResult": "rollout",
    "Group": "rollout",
    "RolloutConfig": "rollout",
    "Sample": "rollout",
    "evaluate_tasks": "rollout",
    "rollout_groups": "rollout",
    "run_episode": "rollout",
    # grpo
    "GRPOConfig": "grpo",
    "GRPOResult": "grpo",
    "GRPOTrainer": "grpo",
    "evaluate_model": "grpo",
    "train_grpo": "grpo",
    # losses
    "clipped_token_loss": "losses",
    "group_advantages": "losses",
    "kl_k3": "losses",
    "sequence_guard": "losses",
    # metrics
    "MetricsLog": "metrics",
    "plot_metrics": "metrics",
    "read_metrics": "metrics",
    # quickstart
    "QuickstartConfig": "quickstart",
    "run_quickstart": "quickstart",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
