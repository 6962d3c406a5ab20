"""The distributed SFT path: torchrun, two ranks, gloo on CPU, FSDP2. Two ranks with one
micro-batch each must train exactly like one process accumulating the same two micro-batches."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file

from envfactory.trainer.sft import SFTConfig, train_sft


def settings(data: Path, model: Path, out: Path, **overrides: object) -> dict:
    return {
        "data": str(data),
        "model": str(model),
        "out": str(out),
        "device": "cpu",
        "max_length": 512,
        "micro_batch_size": 1,
        "max_steps": 4,
        "lr": 1e-3,
        "warmup_steps": 1,
        "eval_fraction": 0.25,  # 3 eval rows: one rank gets a batch more and the other must keep step
        "eval_every": 2,
        **overrides,
    }


def test_fsdp2_on_two_gloo_ranks_trains_like_one_process(short_sft_jsonl, tiny_model_dir, tmp_path):
    config_path = tmp_path / "sft.json"
    config_path.write_text(
        json.dumps(settings(short_sft_jsonl, tiny_model_dir, tmp_path / "two", grad_accum=1))
    )
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
    command += ["-m", "envfactory.trainer.sft", str(config_path)]
    done = subprocess.run(
        command, env={**os.environ, "OMP_NUM_THREADS": "1"}, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])  # printed by rank 0 only
    assert result["steps"] == 4 and Path(result["model_dir"]) == tmp_path / "two" / "model"

    single = train_sft(
        SFTConfig.from_dict(settings(short_sft_jsonl, tiny_model_dir, tmp_path / "one", grad_accum=2))
    )

    two = [json.loads(line) for line in (tmp_path / "two" / "metrics.jsonl").read_text().splitlines()]
    one = [json.loads(line) for line in single.metrics_path.read_text().splitlines()]
    assert [r["step"] for r in two] == [1, 2, 3, 4]  # one writer: rank 0
    for a, b in zip(two, one, strict=True):
        assert abs(a["loss"] - b["loss"]) < 1e-4 and abs(a.get("eval_loss", 0) - b.get("eval_loss", 0)) < 1e-4
    sharded = load_file(tmp_path / "two" / "model" / "model.safetensors")
    plain = load_file(single.model_dir / "model.safetensors")
    assert sharded.keys() == plain.keys()
    for name in plain:
        torch.testing.assert_close(sharded[name], plain[name], atol=5e-5, rtol=1e-4, msg=name)
    initial = load_file(tiny_model_dir / "model.safetensors")
    assert any(not torch.equal(initial[k], sharded[k]) for k in initial)
