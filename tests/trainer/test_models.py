"""Offline models: the trained tokenizer and the Qwen-style model are ordinary HF checkpoints."""

from __future__ import annotations

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from envfactory.trainer.models import (
    CHAT_TEMPLATE,
    MARKUP_TOKENS,
    SPECIAL_TOKENS,
    ModelConfig,
    build_model,
    count_parameters,
    load,
    save,
    train_tokenizer,
)


def test_the_tokenizer_is_byte_level_with_single_token_markup(tiny_tokenizer):
    text = "Déjà vu 🚀 at 09:30 — 東京\t\n  done"
    ids = tiny_tokenizer.encode(text, add_special_tokens=False)
    assert tiny_tokenizer.decode(ids) == text
    for token in SPECIAL_TOKENS + MARKUP_TOKENS:
        assert len(tiny_tokenizer.encode(token, add_special_tokens=False)) == 1, token
    assert tiny_tokenizer.eos_token == "<|im_end|>" and tiny_tokenizer.pad_token == "<|endoftext|>"
    # markup survives skip_special_tokens (the tool-call parser needs it); ChatML tokens do not
    markup = tiny_tokenizer.encode(
        "<|im_start|>x<tool_call>y</tool_call><|im_end|>", add_special_tokens=False
    )
    assert tiny_tokenizer.decode(markup, skip_special_tokens=True) == "x<tool_call>y</tool_call>"


def test_the_tokenizer_learns_merges_from_the_corpus():
    tokenizer = train_tokenizer(["find_items find_items find_items"] * 50, vocab_size=400)
    assert len(tokenizer.encode("find_items", add_special_tokens=False)) <= 2
    with pytest.raises(ValueError, match="vocab_size=100"):
        train_tokenizer(["x"], vocab_size=100)


def test_tokenizer_and_template_survive_save_and_reload(tiny_tokenizer, tmp_path):
    tiny_tokenizer.save_pretrained(tmp_path)
    reloaded = AutoTokenizer.from_pretrained(tmp_path)
    messages = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello 👋"}]
    assert reloaded.chat_template == CHAT_TEMPLATE
    assert reloaded.apply_chat_template(messages) == tiny_tokenizer.apply_chat_template(messages)


@pytest.mark.parametrize("family", ["qwen3", "qwen2"])
def test_build_model_from_a_config(tiny_tokenizer, family):
    model = build_model({"family": family}, tiny_tokenizer)
    assert type(model).__name__ == f"{family.capitalize()}ForCausalLM"
    assert model.config.vocab_size == len(tiny_tokenizer)
    assert model.config.eos_token_id == tiny_tokenizer.convert_tokens_to_ids("<|im_end|>")
    assert model.config.head_dim == 16
    assert 50_000 < count_parameters(model) < 400_000  # "tiny": a few hundred K parameters


def test_bad_model_configs_are_named(tiny_tokenizer):
    with pytest.raises(ValueError, match="unknown ModelConfig fields \\['hidden'\\]"):
        build_model({"hidden": 3}, tiny_tokenizer)
    with pytest.raises(ValueError, match="unknown model preset 'huge'"):
        build_model("huge", tiny_tokenizer)
    with pytest.raises(ValueError, match="unknown model family 'llama'"):
        build_model(ModelConfig(family="llama"), tiny_tokenizer)


def test_checkpoint_round_trip_gives_the_same_model(tiny_model_dir, tmp_path):
    model, tokenizer = load(tiny_model_dir)
    assert {p.name for p in tiny_model_dir.iterdir()} >= {
        "model.safetensors",
        "config.json",
        "tokenizer.json",
    }
    ids = torch.tensor([tokenizer.encode("Hello there", add_special_tokens=False)])
    with torch.no_grad():
        before = model(ids).logits
    save(model, tokenizer, tmp_path / "again")
    plain = AutoModelForCausalLM.from_pretrained(tmp_path / "again")  # an ordinary HF checkpoint
    with torch.no_grad():
        assert torch.equal(plain(ids).logits, before)
    generated = plain.generate(ids, max_new_tokens=5, do_sample=False)
    assert generated.shape[1] <= ids.shape[1] + 5


def test_load_refuses_a_directory_that_is_not_a_checkpoint(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no config\.json"):
        load(tmp_path)


def test_the_public_surface_resolves_lazily():
    import envfactory.trainer as trainer

    assert all(getattr(trainer, name) is not None for name in trainer.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        trainer.nope  # noqa: B018
