"""Generation engines: sampled ids and logprobs exactly as the trainer sees them; vLLM request
building, response parsing and the weight-sync flow against a scripted vLLM HTTP stub."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import torch
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from transformers import Qwen3Config, Qwen3ForCausalLM

from envfactory.trainer import engines
from envfactory.trainer.engines import Completion, EngineError, TransformersEngine, make_engine
from envfactory.trainer.engines_vllm import (
    NcclWeightSync,
    VLLMServerEngine,
    _from_request_output,
    completion_request,
    parse_completion,
)
from envfactory.trainer.losses import token_logprobs
from envfactory.trainer.prefix import common_prefix_length
from tests.conftest import free_port

STOP = 5


@pytest.fixture(scope="module")
def model() -> Qwen3ForCausalLM:
    torch.manual_seed(0)
    config = Qwen3Config(
        vocab_size=64,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        head_dim=8,
        max_position_embeddings=256,
    )
    model = Qwen3ForCausalLM(config)
    with torch.no_grad():  # make the stop token likely enough to end some samples early
        model.lm_head.weight[STOP] += 0.1 * model.model.embed_tokens.weight.mean(0).sign()
    return model


def trainer_logprobs(model: torch.nn.Module, prompt: list[int], sampled: list[int]) -> list[float]:
    ids = torch.tensor([prompt + sampled])
    with torch.no_grad():
        logp = token_logprobs(model(ids).logits[:, :-1], ids[:, 1:])
    return logp[0, len(prompt) - 1 :].tolist()


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_transformers_engine_logprobs_equal_the_trainers_recomputation(model) -> None:
    engine = TransformersEngine(model, [STOP], pad_token_id=0, seed=3)
    prompts = [[1, 2, 3, 4, 7, 8], [9, 10], [11] * 25, [12, 13, 14], [20, 21], [30] * 9, [33], [40, 41, 42]]

    async def sample() -> list[Completion]:
        return await asyncio.gather(*(engine.generate(p, 30) for p in prompts))

    completions = run(sample())
    assert {c.finish_reason for c in completions} == {"stop", "length"}
    for prompt, completion in zip(prompts, completions, strict=True):
        assert trainer_logprobs(model, prompt, completion.token_ids) == pytest.approx(
            completion.logprobs, abs=1e-4
        )
        if completion.finish_reason == "stop":
            assert completion.token_ids[-1] == STOP and STOP not in completion.token_ids[:-1]
        else:
            assert len(completion.token_ids) == 30 and STOP not in completion.token_ids


def test_prompts_sharing_a_long_prefix_sample_exactly_as_separate_prompts_would(model) -> None:
    engine = TransformersEngine(model, [STOP], pad_token_id=0, seed=5)
    system = list(range(20, 50))  # the shared system turn: run once, its cache repeated per row
    prompts = [[*system, 7, 8, 9], [*system, 11], [*system, 12, 13, 14, 15, 16]]

    async def sample() -> list[Completion]:
        return await asyncio.gather(*(engine.generate(p, 12) for p in prompts))

    for prompt, completion in zip(prompts, run(sample()), strict=True):
        assert trainer_logprobs(model, prompt, completion.token_ids) == pytest.approx(
            completion.logprobs, abs=1e-4
        )


def test_common_prefix_length_counts_the_tokens_every_row_shares() -> None:
    assert common_prefix_length([[1, 2, 3, 4], [1, 2, 9], [1, 2, 3]]) == 2
    assert common_prefix_length([[5, 6], [5, 6]]) == 2 and common_prefix_length([[1], [2]]) == 0


def test_concurrent_requests_share_batches_and_keep_their_own_limits(model, monkeypatch) -> None:
    engine = TransformersEngine(model, [STOP], pad_token_id=0)
    batches: list[int] = []
    real = engines.sample_batch

    def counting(model, requests, *args):
        batches.append(len(requests))
        return real(model, requests, *args)

    monkeypatch.setattr(engines, "sample_batch", counting)

    async def sample() -> list[Completion]:
        return await asyncio.gather(*(engine.generate([1 + i, 2], 1 + i % 3) for i in range(12)))

    completions = run(sample())
    assert sum(batches) == 12 and len(batches) < 12
    assert [len(c.token_ids) <= 1 + i % 3 for i, c in enumerate(completions)] == [True] * 12


def test_greedy_generation_is_deterministic(model) -> None:
    engine = TransformersEngine(model, [STOP], pad_token_id=0, seed=1)
    first = run(engine.generate([3, 4, 5, 6], 12, greedy=True))
    again = run(engine.generate([3, 4, 5, 6], 12, greedy=True))
    assert first.token_ids == again.token_ids


def test_an_engine_failure_reaches_every_waiting_episode(model) -> None:
    engine = TransformersEngine(model, [STOP], pad_token_id=0)

    async def sample() -> list[Any]:
        # token 10_000 is outside the vocabulary: the batch fails, and so must every request in it
        requests = [engine.generate([1, 2], 4), engine.generate([10_000], 4), engine.generate([3], 4)]
        return await asyncio.gather(*requests, return_exceptions=True)

    results = run(asyncio.wait_for(sample(), 30))
    assert all(isinstance(r, EngineError) for r in results)


def test_bad_arguments_are_refused_with_the_fix(model) -> None:
    engine = TransformersEngine(model, [STOP], pad_token_id=0)
    with pytest.raises(ValueError, match="render the conversation"):
        run(engine.generate([], 4))
    with pytest.raises(ValueError, match="at least one stop token"):
        TransformersEngine(model, [], pad_token_id=0)


def test_auto_picks_transformers_without_vllm_and_vllm_names_the_install(model, monkeypatch) -> None:
    monkeypatch.setattr(engines, "vllm_available", lambda: False)
    assert isinstance(make_engine("auto", model, stop_token_ids=[STOP], pad_token_id=0), TransformersEngine)
    with pytest.raises(EngineError, match=r"pip install 'envfactory\[vllm\]'"):
        make_engine("vllm", model, stop_token_ids=[STOP], pad_token_id=0)
    with pytest.raises(ValueError, match="choose auto, transformers or vllm"):
        make_engine("tgi", model, stop_token_ids=[STOP], pad_token_id=0)  # type: ignore[arg-type]


# ---------------------------------------------------------------------- vLLM over HTTP
class VLLMStub:
    """A scripted vLLM OpenAI-compatible server: `/v1/completions` in vLLM's shape, the RL weight
    routes, and a record of every request."""

    def __init__(self, legacy_tokens: bool = False, fail_update: bool = False) -> None:
        self.requests: list[tuple[str, Any]] = []
        self.legacy_tokens = legacy_tokens
        self.fail_update = fail_update
        self.port = free_port()
        routes = [Route("/v1/completions", self._complete, methods=["POST"])]
        routes += [Route(f"/{p}", self._rl, methods=["POST"]) for p in self.RL_ROUTES]
        routes.append(Route("/get_world_size", self._world, methods=["GET"]))
        app = Starlette(routes=routes)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    RL_ROUTES = (
        "pause",
        "resume",
        "init_weight_transfer_engine",
        "start_weight_update",
        "update_weights",
        "finish_weight_update",
    )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> VLLMStub:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            assert time.monotonic() < deadline, "stub did not start"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    async def _complete(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append(("/v1/completions", body))
        if body["prompt"] == [666]:
            return JSONResponse({"error": "boom"}, status_code=500)
        ids = (
            [40, 41, body["stop_token_ids"][0]] if body["max_tokens"] >= 3 else [40, 41][: body["max_tokens"]]
        )
        choice: dict[str, Any] = {
            "index": 0,
            "text": "xy",
            "logprobs": {
                "tokens": [f"token_id:{t}" for t in ids],
                "token_logprobs": [-0.5, -1.0, -0.25][: len(ids)],
            },
            "finish_reason": "stop" if len(ids) == 3 else "length",
        }
        if not self.legacy_tokens:
            choice["token_ids"] = ids
        return JSONResponse(
            {"id": "cmpl-1", "object": "text_completion", "model": body["model"], "choices": [choice]}
        )

    async def _rl(self, request: Request) -> JSONResponse:
        body = await request.body()
        self.requests.append(
            (request.url.path, dict(request.query_params) or (body and await request.json()))
        )
        if request.url.path == "/update_weights" and self.fail_update:
            return JSONResponse({"error": "bad shapes"}, status_code=400)
        return JSONResponse({"message": "ok"})

    async def _world(self, request: Request) -> JSONResponse:
        self.requests.append(("/get_world_size", None))
        return JSONResponse({"world_size": 2})


@pytest.fixture
def vllm_stub() -> Iterator[VLLMStub]:
    with VLLMStub() as stub:
        yield stub


def test_completion_request_asks_for_ids_and_logprobs_of_untruncated_sampling() -> None:
    body = completion_request("m", [1, 2, 3], 16, [7, 9], greedy=False)
    assert body["prompt"] == [1, 2, 3] and body["max_tokens"] == 16
    assert (body["temperature"], body["top_p"], body["top_k"], body["logprobs"]) == (1.0, 1.0, -1, 0)
    assert body["return_token_ids"] and body["stop_token_ids"] == [7, 9] and not body["skip_special_tokens"]
    assert completion_request("m", [1], 4, [7], greedy=True)["temperature"] == 0.0


def test_server_engine_returns_the_sampled_ids_and_logprobs(vllm_stub) -> None:
    engine = VLLMServerEngine(vllm_stub.url + "/v1", "policy", [7])

    async def sample() -> tuple[Completion, Completion]:
        try:
            return await engine.generate([1, 2], 8), await engine.generate([1, 2], 2)
        finally:
            await engine.aclose()

    stopped, cut = run(sample())
    assert (stopped.token_ids, stopped.logprobs, stopped.finish_reason) == (
        [40, 41, 7],
        [-0.5, -1.0, -0.25],
        "stop",
    )
    assert (cut.token_ids, cut.finish_reason) == ([40, 41], "length")
    assert vllm_stub.requests[0][1]["model"] == "policy" and vllm_stub.requests[0][1]["prompt"] == [1, 2]


def test_server_engine_reads_token_id_strings_from_older_servers() -> None:
    with VLLMStub(legacy_tokens=True) as stub:
        engine = VLLMServerEngine(stub.url, "policy", [7])
        completion = run(engine.generate([1], 8))
    assert completion.token_ids == [40, 41, 7]


def test_server_errors_become_engine_errors(vllm_stub) -> None:
    engine = VLLMServerEngine(vllm_stub.url, "policy", [7])
    with pytest.raises(EngineError, match="answered 500"):
        run(engine.generate([666], 8))
    dead = VLLMServerEngine(f"http://127.0.0.1:{free_port()}", "policy", [7], timeout=2)
    with pytest.raises(EngineError, match="failed"):
        run(dead.generate([1], 8))


def test_parse_completion_refuses_answers_it_cannot_train_on() -> None:
    with pytest.raises(EngineError, match="token_logprobs"):
        parse_completion({"choices": [{"text": "hi", "finish_reason": "stop"}]}, [7])
    no_stop = {
        "choices": [{"token_ids": [1, 2], "logprobs": {"token_logprobs": [-1, -1]}, "finish_reason": "stop"}]
    }
    with pytest.raises(EngineError, match="stop token"):
        parse_completion(no_stop, [7])
    short = {
        "choices": [{"token_ids": [1, 7], "logprobs": {"token_logprobs": [-1]}, "finish_reason": "stop"}]
    }
    with pytest.raises(EngineError, match="2 tokens but 1 logprobs"):
        parse_completion(short, [7])


class RecordingTransport:
    def __init__(self) -> None:
        self.joined: list[dict[str, Any]] = []
        self.sent: list[list[str]] = []

    def join(self, info):
        self.joined.append(dict(info))
        return "group"

    def send(self, group, named_tensors):
        assert group == "group"
        self.sent.append([name for name, _ in named_tensors])


def test_weight_sync_runs_pause_start_update_finish_resume(vllm_stub, model) -> None:
    transport = RecordingTransport()
    sync = NcclWeightSync(vllm_stub.url, transport=transport, timeout_s=20)
    sync.push(model, step=3)
    paths = [path for path, _ in vllm_stub.requests]
    assert paths[:2] == ["/get_world_size", "/init_weight_transfer_engine"]
    assert paths[2:] == [
        "/pause",
        "/start_weight_update",
        "/update_weights",
        "/finish_weight_update",
        "/resume",
    ]
    bodies = dict(vllm_stub.requests)
    assert bodies["/init_weight_transfer_engine"]["init_info"]["world_size"] == 3  # 2 workers + trainer
    assert bodies["/init_weight_transfer_engine"]["init_info"]["rank_offset"] == 1
    names = [name for name, _ in model.named_parameters()]
    assert bodies["/update_weights"]["update_info"]["names"] == names == transport.sent[0]
    assert bodies["/update_weights"]["update_info"]["dtype_names"][0] == "float32"
    assert bodies["/finish_weight_update"] == {"weight_version": "3"}
    assert transport.joined[0]["world_size"] == 3


def test_a_failed_weight_sync_raises_and_still_resumes_the_server(model) -> None:
    with VLLMStub(fail_update=True) as stub:
        sync = NcclWeightSync(stub.url, transport=RecordingTransport(), timeout_s=20)
        with pytest.raises(EngineError, match="update_weights answered 400"):
            sync.push(model, step=1)
        assert stub.requests[-1][0] == "/resume"


def test_in_process_vllm_outputs_are_read_token_by_token() -> None:
    output = SimpleNamespace(
        token_ids=[4, 9],
        logprobs=[{4: SimpleNamespace(logprob=-0.1)}, {9: SimpleNamespace(logprob=-2.0)}],
        finish_reason="stop",
    )
    completion = _from_request_output(output)
    assert (completion.token_ids, completion.logprobs, completion.finish_reason) == (
        [4, 9],
        [-0.1, -2.0],
        "stop",
    )
