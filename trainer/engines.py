"""Generation engines for rollouts: token ids in, sampled token ids and their logprobs out.

RL needs exactly what the sampler did, so every engine here takes a prompt as token ids (never
text: re-tokenising drifts) and returns the sampled ids with the log-probability the sampler
gave each one, drawn at temperature 1 with no top-p / top-k truncation (truncation renormalises
the distribution and the reported logprobs would no longer be those of the policy being trained).

- `TransformersEngine`: in-process, on the very `nn.Module` being trained (no weight sync). Its
  own sampling loop over a KV cache, so the logprob of each token is the log-softmax the trainer
  computes, in float32. Concurrent `generate` calls from many episodes are batched.
- `VLLMEngine` (`engines_vllm.py`): a vLLM OpenAI-compatible server (`/v1/completions` with token-id
  prompts) or an in-process `vllm.LLM`, with weight sync after each step. vLLM is imported lazily.

`make_engine` picks vLLM when it is importable and a GPU is present, transformers otherwise.
"""

from __future__ import annotations

import asyncio
import importlib.util
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import torch

FinishReason = Literal["stop", "length"]


class EngineError(RuntimeError):
    """Generation failed (the engine crashed, timed out, or answered something unusable). A rollout
    group that meets one is dropped, never scored."""


@dataclass
class Completion:
    """What the sampler produced for one prompt: the ids (a stop token included when one ended it)
    and the log-probability of each under the sampling distribution."""

    token_ids: list[int]
    logprobs: list[float]
    finish_reason: FinishReason

    def __post_init__(self) -> None:
        if len(self.token_ids) != len(self.logprobs):
            raise EngineError(
                f"The engine returned {len(self.token_ids)} tokens but {len(self.logprobs)} logprobs."
            )


@dataclass
class GenerationRequest:
    prompt_ids: list[int]
    max_new_tokens: int
    greedy: bool = False


class Engine(ABC):
    """Samples continuations of token-id prompts. `generate` may be called by many coroutines at
    once; engines batch or pipeline them."""

    name: str = "engine"

    def __init__(self, stop_token_ids: Sequence[int]) -> None:
        if not stop_token_ids:
            raise ValueError("An engine needs at least one stop token id (the end-of-turn token).")
        self.stop_token_ids = tuple(dict.fromkeys(int(t) for t in stop_token_ids))

    @abstractmethod
    async def generate(
        self, prompt_ids: Sequence[int], max_new_tokens: int, greedy: bool = False
    ) -> Completion:
        """Sample up to `max_new_tokens` after `prompt_ids`, stopping after a stop token. `greedy`
        (evaluation only) takes the most likely token instead of sampling."""

    @abstractmethod
    def sync_weights(self, model: torch.nn.Module, step: int) -> None:
        """Make the engine generate with `model`'s current weights (called after each update)."""

    @abstractmethod
    async def aclose(self) -> None:
        """Release connections and workers."""


# ---------------------------------------------------------------------- batching
@dataclass
class _Pending:
    request: GenerationRequest
    future: asyncio.Future[Completion]


@dataclass
class Batcher:
    """Gathers concurrent requests into batches for a synchronous batch function run in a worker
    thread (the event loop keeps serving the episodes' tool calls meanwhile).

    A batch closes when no new request arrived for `collect_s`, or at `max_batch`. Greedy and
    sampled requests never share a batch."""

    run: Callable[[list[GenerationRequest]], list[Completion]]
    max_batch: int = 64
    collect_s: float = 0.004
    _queue: asyncio.Queue[_Pending] | None = field(default=None, init=False)
    _worker: asyncio.Task[None] | None = field(default=None, init=False)
    _loop: asyncio.AbstractEventLoop | None = field(default=None, init=False)

    async def submit(self, request: GenerationRequest) -> Completion:
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._worker is None or self._worker.done():
            # One worker per event loop: each `asyncio.run` of a rollout has its own.
            self._loop, self._queue = loop, asyncio.Queue()
            self._worker = loop.create_task(self._work(), name="engine-batcher")
        future: asyncio.Future[Completion] = loop.create_future()
        assert self._queue is not None
        self._queue.put_nowait(_Pending(request, future))
        return await future

    async def aclose(self) -> None:
        if self._worker is not None and not self._worker.done():
            self._worker.cancel()
        self._worker = None

    async def _work(self) -> None:
        assert self._queue is not None
        queue = self._queue
        while True:
            batch = [await queue.get()]
            while len(batch) < self.max_batch:
                await asyncio.sleep(self.collect_s)
                added = 0
                while not queue.empty() and len(batch) < self.max_batch:
                    batch.append(queue.get_nowait())
                    added += 1
                if not added:
                    break
            for greedy in (False, True):
                part = [p for p in batch if p.request.greedy is greedy and not p.future.cancelled()]
                if part:
                    await self._run_part(part)

    async def _run_part(self, part: list[_Pending]) -> None:
        try:
            results = await asyncio.to_thread(self.run, [p.request for p in part])
        except Exception as exc:  # top-level handler of the worker: every waiting episode must hear of it
            error = exc if isinstance(exc, EngineError) else EngineError(f"generation failed: {exc!r}")
            for p in part:
                if not p.future.done():
                    p.future.set_exception(error)
            return
        for p, result in zip(part, results, strict=True):
            if not p.future.done():
                p.future.set_result(result)


# ---------------------------------------------------------------------- transformers
class TransformersEngine(Engine):
    """Samples from a transformers causal LM in this process (CPU or GPU).

    `model` is normally the very module being trained, so there is nothing to sync. The sampling
    loop is ours rather than `model.generate`: no logits processors can sneak in (generation
    configs ship top-k 50, repetition penalties…), and each token's logprob is the float32
    log-softmax of the raw logits, the same quantity the trainer recomputes."""

    name = "transformers"

    def __init__(
        self,
        model: torch.nn.Module,
        stop_token_ids: Sequence[int],
        pad_token_id: int,
        *,
        seed: int = 0,
        max_batch: int = 64,
        collect_s: float = 0.004,
    ) -> None:
        import torch

        super().__init__(stop_token_ids)
        self.model = model
        self.pad_token_id = int(pad_token_id)
        self._generator = torch.Generator(device=_device_of(model)).manual_seed(seed)
        self._batcher = Batcher(self._run, max_batch=max_batch, collect_s=collect_s)

    async def generate(
        self, prompt_ids: Sequence[int], max_new_tokens: int, greedy: bool = False
    ) -> Completion:
        if not prompt_ids:
            raise ValueError("prompt_ids is empty: render the conversation before generating.")
        if max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be at least 1, got {max_new_tokens}.")
        return await self._batcher.submit(GenerationRequest(list(prompt_ids), max_new_tokens, greedy))

    def sync_weights(self, model: torch.nn.Module, step: int) -> None:
        if model is not self.model:
            self.model.load_state_dict(model.state_dict())

    async def aclose(self) -> None:
        await self._batcher.aclose()

    def _run(self, requests: list[GenerationRequest]) -> list[Completion]:
        import torch

        was_training = self.model.training
        self.model.eval()
        try:
            with torch.inference_mode():
                return sample_batch(
                    self.model,
                    requests,
                    self.stop_token_ids,
                    self.pad_token_id,
                    self._generator,
                )
        finally:
            self.model.train(was_training)


def sample_batch(
    model: torch.nn.Module,
    requests: list[GenerationRequest],
    stop_token_ids: Sequence[int],
    pad_token_id: int,
    generator: torch.Generator | None = None,
) -> list[Completion]:
    """Sample continuations over a KV cache; temperature 1, no truncation. The prompts' common
    prefix (the system turn every episode shares) is computed once (`prefix.py`)."""
    import torch

    from .prefix import MIN_SHARED, common_prefix_length, forward_rest

    prompts = [r.prompt_ids for r in requests]
    shared = min(common_prefix_length(prompts), min(len(p) for p in prompts) - 1)
    if len(prompts) == 1 or shared < MIN_SHARED:
        shared = 0
    logits, attention, cache = forward_rest(
        model, prompts, shared, pad_token_id, left_pad=True, last_only=True
    )
    logits = logits[:, -1, :]
    device = logits.device
    stops = torch.tensor(list(stop_token_ids), device=device)
    limits = torch.tensor([r.max_new_tokens for r in requests], device=device)
    greedy = requests[0].greedy
    done = torch.zeros(len(requests), dtype=torch.bool, device=device)
    tokens, logps = [], []
    next_pos = attention.sum(-1) - 1
    for step in range(int(limits.max())):
        logp = torch.log_softmax(logits.float(), dim=-1)
        if greedy:
            token = logp.argmax(-1)
        else:
            token = torch.multinomial(logp.exp(), 1, generator=generator).squeeze(-1)
        tokens.append(torch.where(done, pad_token_id, token))
        logps.append(logp.gather(-1, token.unsqueeze(-1)).squeeze(-1))
        done = done | torch.isin(token, stops) | (limits <= step + 1)
        if bool(done.all()):
            break
        attention = torch.cat([attention, torch.ones_like(attention[:, :1])], dim=-1)
        next_pos = next_pos + 1
        logits = model(
            input_ids=tokens[-1].unsqueeze(-1),
            attention_mask=attention,
            position_ids=next_pos.unsqueeze(-1),
            past_key_values=cache,
        ).logits[:, -1, :]
    return _completions(
        torch.stack(tokens, 1).tolist(), torch.stack(logps, 1).tolist(), requests, stop_token_ids
    )


def _completions(
    tokens: list[list[int]],
    logps: list[list[float]],
    requests: list[GenerationRequest],
    stop_token_ids: Sequence[int],
) -> list[Completion]:
    stops = set(stop_token_ids)
    out = []
    for row, request in enumerate(requests):
        ids, lps = tokens[row][: request.max_new_tokens], logps[row][: request.max_new_tokens]
        end = next((i for i, t in enumerate(ids) if t in stops), None)
        if end is None:
            out.append(Completion(ids, lps, "length"))
        else:
            out.append(Completion(ids[: end + 1], lps[: end + 1], "stop"))
    return out


def _device_of(model: torch.nn.Module) -> torch.device:
    return next(model.parameters()).device


# ---------------------------------------------------------------------- choosing
EngineKind = Literal["auto", "transformers", "vllm"]


def vllm_available() -> bool:
    return importlib.util.find_spec("vllm") is not None


def make_engine(
    kind: EngineKind,
    model: torch.nn.Module,
    *,
    stop_token_ids: Sequence[int],
    pad_token_id: int,
    model_path: str | None = None,
    vllm_url: str | None = None,
    vllm_model: str | None = None,
    seed: int = 0,
    **vllm_options: Any,
) -> Engine:
    """The rollout engine: a vLLM server when `vllm_url` is given; in-process vLLM for `auto` when
    vLLM is importable and a GPU is present (or for `vllm`); transformers otherwise."""
    import torch

    if kind not in ("auto", "transformers", "vllm"):
        raise ValueError(f"Unknown engine {kind!r}; choose auto, transformers or vllm.")
    if vllm_url is not None:
        from .engines_vllm import VLLMServerEngine

        return VLLMServerEngine(
            vllm_url, vllm_model or model_path or "default", stop_token_ids, **vllm_options
        )
    use_vllm = kind == "vllm" or (kind == "auto" and vllm_available() and torch.cuda.is_available())
    if not use_vllm:
        return TransformersEngine(model, stop_token_ids, pad_token_id, seed=seed)
    if not vllm_available():
        raise EngineError(
            "vLLM is not installed: `pip install 'envfactory[vllm]'` on a GPU machine, "
            "or choose the transformers engine."
        )
    if model_path is None:
        raise ValueError("The in-process vLLM engine loads the model from a folder: pass model_path.")
    from .engines_vllm import VLLMEngine

    return VLLMEngine(model_path, stop_token_ids, seed=seed, **vllm_options)
