"""SFT: pure loss and schedule on hand-computed numbers, packing without cross-contamination, and real
runs that lower the loss and write loadable checkpoints and metrics."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import torch
from safetensors.torch import load_file

from envfactory.trainer.data import IGNORE, collate, load_rows, pack, render_rows, split_rows
from envfactory.trainer.models import load
from envfactory.trainer.render import Rendered, Renderer
from envfactory.trainer.sft import SFTConfig, lr_at, masked_token_loss, train_sft


def test_masked_token_loss_on_hand_computed_numbers():
    logits = torch.tensor([[[0.0, 0.0], [math.log(3), 0.0], [5.0, -5.0]]])
    labels = torch.tensor([[1, 0, IGNORE]])
    # ln 2 (uniform) + ln(4/3) (p = 3/4 on the target); the ignored position adds nothing
    assert masked_token_loss(logits, labels).item() == pytest.approx(math.log(2) + math.log(4 / 3))
    assert masked_token_loss(logits, labels, normalizer=2).item() == pytest.approx(math.log(8 / 3) / 2)
    assert masked_token_loss(logits.bfloat16(), labels).dtype == torch.float32


def test_learning_rate_warms_up_then_follows_a_cosine():
    lrs = [lr_at(s, peak=1.0, warmup_steps=2, total_steps=6, min_ratio=0.1) for s in range(7)]
    expected = [
        0.5,
        1.0,
        1.0,
        0.1 + 0.45 * (1 + math.sqrt(0.5)),
        0.55,
        0.1 + 0.45 * (1 - math.sqrt(0.5)),
        0.1,
    ]
    assert lrs == pytest.approx(expected)


def sample(n: int, first: int, trained: range) -> Rendered:
    return Rendered(list(range(first, first + n)), [int(i in trained) for i in range(n)])


def test_packing_fills_sequences_best_fit_and_keeps_every_token():
    samples = [sample(n, 100 * i, range(1, n)) for i, n in enumerate([6, 5, 4, 3, 2])]
    packed = pack(samples, max_length=8)
    assert sorted(len(p) for p in packed) == [4, 8, 8]  # 6+2 and 5+3 fill two exactly, 4 is left
    assert sorted(t for p in packed for t in p.input_ids) == sorted(t for s in samples for t in s.input_ids)
    for p in packed:
        starts = [i for i, position in enumerate(p.position_ids) if position == 0]
        assert [p.input_ids[i] % 100 for i in starts] == [0] * len(starts)
    assert [len(p) for p in pack(samples, 8, packing=False)] == [6, 5, 4, 3, 2]
    with pytest.raises(ValueError, match="longer than max_length=4"):
        pack(samples, 4)


def test_collate_shifts_labels_and_never_predicts_across_samples():
    packed = pack([sample(3, 10, range(1, 3)), sample(2, 20, range(0, 2))], max_length=6)
    batch = collate([*packed, pack([sample(2, 30, range(1, 2))], 6)[0]], pad_id=0)
    assert batch["input_ids"].tolist() == [[10, 11, 12, 20, 21], [30, 31, 0, 0, 0]]
    assert batch["position_ids"].tolist() == [[0, 1, 2, 0, 1], [0, 1, 0, 1, 2]]
    # the 20 that starts the second sample is masked 1 but is never a target of the first sample
    assert batch["labels"].tolist() == [[11, 12, IGNORE, 21, IGNORE], [31, IGNORE, IGNORE, IGNORE, IGNORE]]


def test_packed_samples_do_not_attend_to_each_other(tiny_model_dir, tiny_tokenizer, sft_rows):
    model, _ = load(tiny_model_dir)
    renderer = Renderer(tiny_tokenizer)
    samples = [renderer.render(row["messages"]) for row in sft_rows[:3]]
    (packed,) = pack(samples, max_length=sum(len(s) for s in samples))
    batch = collate([packed], tiny_tokenizer.pad_token_id)
    with torch.no_grad():
        # use_cache=False: with a cache, transformers does not read packing from the position ids
        together = model(
            input_ids=batch["input_ids"], position_ids=batch["position_ids"], use_cache=False
        ).logits[0]
        offset = 0
        for s in sorted(samples, key=len, reverse=True):
            alone = model(input_ids=torch.tensor([s.input_ids])).logits[0]
            torch.testing.assert_close(together[offset : offset + len(s)], alone, atol=1e-4, rtol=1e-4)
            offset += len(s)


def tiny_config(data: Path, out: Path, model: Path | None, **overrides: Any) -> SFTConfig:
    settings = {
        "data": str(data),
        "out": str(out),
        "model": str(model) if model else None,
        "max_length": 512,
        "micro_batch_size": 2,
        "max_steps": 16,
        "lr": 5e-3,
        "warmup_steps": 2,
        "eval_fraction": 0.2,
        "eval_every": 8,
        **overrides,
    }
    return SFTConfig.from_dict(settings)


def test_sft_lowers_the_loss_changes_parameters_and_writes_checkpoints(
    short_sft_jsonl, tiny_model_dir, tmp_path
):
    config = tiny_config(short_sft_jsonl, tmp_path / "run", tiny_model_dir, save_every=8)
    records: list[dict] = []
    result = train_sft(config, on_log=records.append)
    lines = [json.loads(line) for line in result.metrics_path.read_text().splitlines()]
    assert lines == records and [r["step"] for r in lines] == list(range(1, 17))
    assert all(r["phase"] == "sft" and r["tokens_per_s"] > 0 and r["lr"] > 0 for r in lines)
    assert [r["step"] for r in lines if "eval_loss" in r] == [8, 16]
    assert result.train_loss < lines[0]["loss"] - 1.0
    assert result.eval_loss is not None and result.eval_loss < lines[0]["loss"]
    before = load_file(tiny_model_dir / "model.safetensors")
    after = load_file(result.model_dir / "model.safetensors")
    assert before.keys() == after.keys() and all(not torch.equal(before[k], after[k]) for k in before)
    saved = json.loads((result.model_dir / "sft_config.json").read_text())
    assert SFTConfig.from_dict(saved) == config
    assert (tmp_path / "run" / "checkpoints" / "step-000008" / "model.safetensors").is_file()
    model, tokenizer = load(result.model_dir)
    assert tokenizer.chat_template and model.config.vocab_size == len(tokenizer)


def test_sft_from_scratch_trains_a_tokenizer_and_builds_the_model(short_sft_jsonl, tmp_path):
    config = tiny_config(
        short_sft_jsonl, tmp_path / "scratch", None, model_config="tiny", vocab_size=600, max_steps=2
    )
    result = train_sft(config)
    model, tokenizer = load(result.model_dir)
    assert len(tokenizer) <= 600 and (tmp_path / "scratch" / "tokenizer" / "tokenizer.json").is_file()
    assert type(model).__name__ == "Qwen3ForCausalLM" and result.steps == 2 and result.tokens > 0


def test_bad_configs_and_data_are_named(tmp_path, short_sft_jsonl):
    with pytest.raises(ValueError, match=r"unknown SFTConfig fields \['learning_rate'\]"):
        SFTConfig.from_dict({"data": "x", "learning_rate": 1})
    with pytest.raises(FileNotFoundError, match=r"missing\.jsonl does not exist"):
        load_rows(tmp_path / "missing.jsonl")
    (tmp_path / "bad.jsonl").write_text('{"messages": []}\n{"prompt": "x"}\n')
    with pytest.raises(ValueError, match=r"bad.jsonl:2: a row needs a 'messages' list"):
        load_rows(tmp_path / "bad.jsonl")
    with pytest.raises(ValueError, match="dtype='fp16'"):
        train_sft(tiny_config(short_sft_jsonl, tmp_path / "run", None, dtype="fp16"))


def test_eval_split_is_by_row_and_seeded():
    rows = [{"messages": [], "i": i} for i in range(20)]
    train, held = split_rows(rows, 0.1, seed=3)
    assert (
        len(held) == 2
        and len(train) == 18
        and {r["i"] for r in train} | {r["i"] for r in held} == set(range(20))
    )
    assert split_rows(rows, 0.1, seed=3) == (train, held)
    assert split_rows(rows[:2], 0.01, seed=0)[1] != [] and split_rows(rows, 0.0, seed=0)[1] == []


def test_render_rows_skips_bad_rows_with_the_reason_and_truncates_long_ones(tiny_tokenizer, sft_rows):
    bad_call = {"function": {"name": "f", "arguments": "{oops"}}
    bad = {"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "tool_calls": [bad_call]}]}
    renderer = Renderer(tiny_tokenizer)
    samples, stats = render_rows(renderer, [bad, *sft_rows[:2]], max_length=700)
    assert (stats.rows, stats.skipped_rows, stats.truncated, len(samples)) == (3, 1, 2, 2)
    assert "row 0: message 1: arguments of tool call 'f'" in stats.errors[0]
    assert all(len(s) == 700 and s.num_loss_tokens > 0 for s in samples)
    # cut inside the prompt, a sample has nothing to train on and is dropped
    assert render_rows(renderer, sft_rows[:2], max_length=300)[0] == []
