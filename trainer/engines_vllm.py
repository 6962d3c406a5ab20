"""vLLM rollout engines: an OpenAI-compatible vLLM server, or `vllm.LLM` in this process.

**Server** (`VLLMServerEngine`): each turn is one `POST /v1/completions` whose `prompt` is the
token-id list, asking for the sampled ids back (`return_token_ids`; older servers answer
`token_id:N` strings under `return_tokens_as_token_ids`) with the sampled token's logprob
(`logprobs: 0`), temperature 1, top-p 1, top-k off, special tokens kept. Weight sync
(`NcclWeightSync`) follows vLLM's RL routes (server started with `VLLM_SERVER_DEV_MODE=1` and
`--weight-transfer-config '{"backend": "nccl"}'`): once `/init_weight_transfer_engine` (the trainer
joins an NCCL group as rank 0), then per step `/pause` → `/start_weight_update` →
`/update_weights` together with the NCCL broadcast → `/finish_weight_update` → `/resume`. Every
status is checked, the broadcast runs under a timeout (a raw NCCL collective never times out on
its own), and the server is resumed even when a sync fails.

**In process** (`VLLMEngine`): `vllm.LLM` with `TokensPrompt`s; weights are loaded into the
worker's model through `collective_rpc`, then the prefix cache is reset (its KV entries were
computed with the old weights). Run with `VLLM_ENABLE_V1_MULTIPROCESSING=0` so the engine shares
this process and the weights are not pickled across a process boundary.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from .engines import Batcher, Completion, Engine, EngineError, GenerationRequest

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------- the completions wire format
def completion_request(
    model: str, prompt_ids: Sequence[int], max_new_tokens: int, stop_token_ids: Sequence[int], greedy: bool
) -> dict[str, Any]:
    """The `/v1/completions` body for one turn (vLLM's extensions: `top_k`, `stop_token_ids`,
    `skip_special_tokens`, `return_token_ids`, `return_tokens_as_token_ids`)."""
    return {
        "model": model,
        "prompt": list(prompt_ids),
        "max_tokens": max_new_tokens,
        "temperature": 0.0 if greedy else 1.0,
        "top_p": 1.0,
        "top_k": -1,
        "n": 1,
        "logprobs": 0,
        "stop_token_ids": list(stop_token_ids),
        "skip_special_tokens": False,
        "include_stop_str_in_output": True,
        "return_token_ids": True,
        "return_tokens_as_token_ids": True,
    }


def parse_completion(body: Mapping[str, Any], stop_token_ids: Sequence[int]) -> Completion:
    """The sampled ids and logprobs of a `/v1/completions` answer (first choice)."""
    try:
        choice = body["choices"][0]
        logprobs = choice["logprobs"]
        values = [float(v) for v in logprobs["token_logprobs"]]
    except (KeyError, IndexError, TypeError) as exc:
        raise EngineError(
            f"The completions answer has no choices[0].logprobs.token_logprobs: {exc!r}"
        ) from exc
    ids = choice.get("token_ids")
    if ids is None:
        ids = [_token_id(token) for token in logprobs.get("tokens") or []]
    ids = [int(t) for t in ids]
    finish = choice.get("finish_reason")
    if finish not in ("stop", "length"):
        raise EngineError(f"Unexpected finish_reason {finish!r} (expected stop or length).")
    if finish == "stop" and (not ids or ids[-1] not in stop_token_ids):
        raise EngineError(
            "The server stopped without returning the stop token; use stop_token_ids, not stop strings."
        )
    return Completion(ids, values, finish)


def _token_id(token: str) -> int:
    prefix = "token_id:"
    if not token.startswith(prefix):
        raise EngineError(
            f"Cannot read a token id from {token!r}: the server returned neither `token_ids` nor "
            "`token_id:N` tokens (vLLM >= 0.6 with return_tokens_as_token_ids is required)."
        )
    return int(token[len(prefix) :])


class VLLMServerEngine(Engine):
    """Generates through a vLLM OpenAI-compatible server (`base_url` with or without `/v1`)."""

    name = "vllm-server"

    def __init__(
        self,
        base_url: str,
        model: str,
        stop_token_ids: Sequence[int],
        *,
        api_key: str | None = None,
        timeout: float = 300.0,
        max_concurrency: int = 256,
        weight_sync: NcclWeightSync | None = None,
    ) -> None:
        super().__init__(stop_token_ids)
        self.base_url = base_url.rstrip("/").removesuffix("/v1")
        self.model = model
        self.weight_sync = weight_sync
        self._headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout = timeout
        self._limit = max_concurrency
        self._http: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None

    async def generate(
        self, prompt_ids: Sequence[int], max_new_tokens: int, greedy: bool = False
    ) -> Completion:
        http, slots = self._client()
        body = completion_request(self.model, prompt_ids, max_new_tokens, self.stop_token_ids, greedy)
        async with slots:
            try:
                response = await http.post("/v1/completions", json=body)
            except httpx.HTTPError as exc:
                raise EngineError(f"vLLM server at {self.base_url} failed: {exc!r}") from exc
        if response.status_code != 200:
            raise EngineError(f"vLLM server answered {response.status_code}: {response.text[:500]}")
        return parse_completion(response.json(), self.stop_token_ids)

    def sync_weights(self, model: torch.nn.Module, step: int) -> None:
        if self.weight_sync is not None:
            self.weight_sync.push(model, step)

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def _client(self) -> tuple[httpx.AsyncClient, asyncio.Semaphore]:
        loop = asyncio.get_running_loop()
        if self._http is None or self._loop is not loop:
            # Connections belong to the loop that opened them; each rollout runs its own loop.
            self._loop = loop
            self._http = httpx.AsyncClient(
                base_url=self.base_url,
                headers=self._headers,
                timeout=self._timeout,
                limits=httpx.Limits(max_connections=self._limit),
            )
            self._slots = asyncio.Semaphore(self._limit)
        assert self._slots is not None
        return self._http, self._slots


# ---------------------------------------------------------------------- weight sync (server)
class WeightTransport(Protocol):
    """The data plane of a weight sync: join the trainer-workers group, broadcast tensors."""

    def join(self, info: Mapping[str, Any]) -> Any: ...

    def send(self, group: Any, named_tensors: list[tuple[str, Any]]) -> None: ...


class VLLMNcclTransport:
    """vLLM's own NCCL helpers (trainer side): rank 0 of a stateless group, packed broadcast."""

    def join(self, info: Mapping[str, Any]) -> Any:
        from vllm.distributed.weight_transfer.nccl_engine import NCCLWeightTransferEngine

        return NCCLWeightTransferEngine.trainer_init(dict(info))

    def send(self, group: Any, named_tensors: list[tuple[str, Any]]) -> None:
        from vllm.distributed.weight_transfer.nccl_engine import NCCLWeightTransferEngine

        NCCLWeightTransferEngine.trainer_send_weights(iter(named_tensors), {"group": group, "packed": True})


class NcclWeightSync:
    """Pushes trainer weights to a vLLM server over NCCL (see the module docstring for the flow).

    `init` must run once before the first `push`; `timeout_s` bounds every HTTP call and the
    broadcast itself."""

    def __init__(
        self,
        base_url: str,
        *,
        master_address: str = "127.0.0.1",
        master_port: int = 29551,
        timeout_s: float = 300.0,
        api_key: str | None = None,
        http: httpx.Client | None = None,
        transport: WeightTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/").removesuffix("/v1")
        self.transport = transport or VLLMNcclTransport()
        self.master_address, self.master_port = master_address, master_port
        self.timeout_s = timeout_s
        headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = http or httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout_s)
        self._group: Any = None
        self._phased = True  # servers before the start/finish routes load weights in update_weights

    def init(self) -> None:
        workers = int(self._call("GET", "/get_world_size")["world_size"])
        info = {
            "master_address": self.master_address,
            "master_port": self.master_port,
            "world_size": workers + 1,
        }
        remote = {"init_info": {**info, "rank_offset": 1}}
        result: dict[str, Any] = {}
        self._run_beside(
            lambda: self._call("POST", "/init_weight_transfer_engine", json=remote),
            lambda: result.setdefault("group", self.transport.join(info)),
            "joining the NCCL weight-transfer group",
        )
        self._group = result["group"]

    def push(self, model: torch.nn.Module, step: int) -> None:
        if self._group is None:
            self.init()
        params = list(model.named_parameters())
        update = {
            "update_info": {
                "names": [name for name, _ in params],
                "dtype_names": [str(p.dtype).removeprefix("torch.") for _, p in params],
                "shapes": [list(p.shape) for _, p in params],
                "packed": True,
            }
        }
        self._call("POST", "/pause", params={"mode": "wait"})
        try:
            if self._phased:
                self._phased = self._call("POST", "/start_weight_update", missing_ok=True) is not None
            self._run_beside(
                lambda: self._call("POST", "/update_weights", json=update),
                lambda: self.transport.send(self._group, [(name, p.detach()) for name, p in params]),
                f"sending the weights of step {step}",
            )
            if self._phased:
                self._call("POST", "/finish_weight_update", json={"weight_version": str(step)})
        finally:
            self._call("POST", "/resume")

    def _call(
        self, method: str, path: str, *, missing_ok: bool = False, **kwargs: Any
    ) -> dict[str, Any] | None:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise EngineError(f"weight sync: {method} {path} failed: {exc!r}") from exc
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code != 200:
            raise EngineError(
                f"weight sync: {method} {path} answered {response.status_code}: {response.text[:300]} "
                "(is the server started with VLLM_SERVER_DEV_MODE=1 and --weight-transfer-config?)"
            )
        return response.json() if response.content else {}

    def _run_beside(self, remote: Callable[[], Any], local: Callable[[], Any], what: str) -> None:
        """Run the HTTP call in a thread and the collective here, both bounded by the timeout."""
        errors: list[BaseException] = []

        def call_remote() -> None:
            try:
                remote()
            except EngineError as exc:
                errors.append(exc)

        thread = threading.Thread(target=call_remote, daemon=True, name="vllm-weight-sync")
        thread.start()
        local()
        thread.join(self.timeout_s)
        if thread.is_alive():
            raise EngineError(f"weight sync timed out after {self.timeout_s:.0f} s {what}")
        if errors:
            raise errors[0]


# ---------------------------------------------------------------------- in process
class VLLMEngine(Engine):
    """`vllm.LLM` in this process (one GPU shared with the trainer, or tensor parallel)."""

    name = "vllm"

    def __init__(
        self,
        model_path: str,
        stop_token_ids: Sequence[int],
        *,
        seed: int = 0,
        gpu_memory_utilization: float = 0.4,
        max_batch: int = 256,
        **llm_options: Any,
    ) -> None:
        import vllm

        super().__init__(stop_token_ids)
        self._vllm = vllm
        self.llm = vllm.LLM(
            model=model_path,
            seed=seed,
            gpu_memory_utilization=gpu_memory_utilization,
            enable_prefix_caching=True,
            **llm_options,
        )
        self._batcher = Batcher(self._run, max_batch=max_batch, collect_s=0.002)

    async def generate(
        self, prompt_ids: Sequence[int], max_new_tokens: int, greedy: bool = False
    ) -> Completion:
        return await self._batcher.submit(GenerationRequest(list(prompt_ids), max_new_tokens, greedy))

    def sync_weights(self, model: torch.nn.Module, step: int) -> None:
        weights = [(name, p.detach()) for name, p in model.named_parameters()]
        self.llm.collective_rpc(_load_weights, args=(weights,))
        self.llm.reset_prefix_cache()

    async def aclose(self) -> None:
        await self._batcher.aclose()

    def _run(self, requests: list[GenerationRequest]) -> list[Completion]:
        params = [
            self._vllm.SamplingParams(
                n=1,
                temperature=0.0 if r.greedy else 1.0,
                top_p=1.0,
                top_k=-1,
                max_tokens=r.max_new_tokens,
                logprobs=0,
                stop_token_ids=list(self.stop_token_ids),
                skip_special_tokens=False,
                seed=None,
            )
            for r in requests
        ]
        prompts = [self._vllm.TokensPrompt(prompt_token_ids=r.prompt_ids) for r in requests]
        outputs = self.llm.generate(prompts, params, use_tqdm=False)
        return [_from_request_output(out.outputs[0]) for out in outputs]


def _from_request_output(output: Any) -> Completion:
    ids = list(output.token_ids)
    logprobs = [
        _chosen_logprob(entry, token) for entry, token in zip(output.logprobs or [], ids, strict=True)
    ]
    return Completion(ids, logprobs, "length" if output.finish_reason == "length" else "stop")


def _chosen_logprob(entry: Mapping[int, Any], token: int) -> float:
    value = entry[token]
    return float(getattr(value, "logprob", value))


def _load_weights(worker: Any, weights: Iterable[tuple[str, Any]]) -> None:
    """Runs inside each vLLM worker (through `collective_rpc`)."""
    worker.model_runner.model.load_weights(weights=list(weights))
