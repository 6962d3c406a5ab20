"""Offline models: a byte-level BPE tokenizer with a tool-calling chat template, trained on local
text, and a small Qwen-style causal LM built from a config.

Nothing here downloads anything. What comes out is an ordinary Hugging Face checkpoint
(safetensors + config + tokenizer files), so everything downstream (`load`, the renderer, SFT,
GRPO, vLLM) treats it exactly like a Qwen checkpoint from the Hub on a user's machine.

The chat template follows Qwen2.5's tool-calling layout (ChatML turns, tools in the system turn,
`<tool_call>` JSON blocks, tool results as `<tool_response>` blocks in a user turn) with a shorter
system preamble, since small models have short contexts. It marks the assistant's tokens with
`{% generation %}` so `apply_chat_template(..., return_assistant_tokens_mask=True)` works too; the
renderer does not depend on that.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from tokenizers import (
    AddedToken,
    Regex,
    Tokenizer,
    decoders,
    models,
    normalizers,
    pre_tokenizers,
    processors,
    trainers,
)
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerFast

PAD = "<|endoftext|>"
IM_START = "<|im_start|>"
IM_END = "<|im_end|>"
SPECIAL_TOKENS = [PAD, IM_START, IM_END]
# Frequent markup kept as single tokens (not special: decoding keeps them, the parser needs them).
MARKUP_TOKENS = ["<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>", "<tools>", "</tools>"]
# Qwen2's pre-tokenizer split: letters with one leading non-letter, digits one by one, newlines apart.
SPLIT_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

CHAT_TEMPLATE = """\
{%- if tools %}
{{- '<|im_start|>system\\n' }}
{%- if messages[0].role == 'system' %}{{- messages[0].content + '\\n\\n' }}{%- endif %}
{{- '# Tools\\n\\nYou may call one or more functions. ' }}
{{- 'Their signatures are within <tools></tools>:\\n<tools>' }}
{%- for tool in tools %}
{{- '\\n' }}{{- (tool.function if tool.function is defined else tool) | tojson }}
{%- endfor %}
{{- '\\n</tools>\\n\\nCall a function with:\\n<tool_call>\\n' }}
{{- '{"name": <function-name>, "arguments": <args-json-object>}\\n</tool_call><|im_end|>\\n' }}
{%- elif messages and messages[0].role == 'system' %}
{{- '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}
{%- endif %}
{%- for message in messages %}
{%- if message.role == 'system' %}
{%- if not loop.first %}{{- '<|im_start|>system\\n' + message.content + '<|im_end|>\\n' }}{%- endif %}
{%- elif message.role == 'user' %}
{{- '<|im_start|>user\\n' + (message.content or '') + '<|im_end|>\\n' }}
{%- elif message.role == 'assistant' %}
{{- '<|im_start|>assistant\\n' }}
{%- generation %}
{{- message.content or '' }}
{%- for tool_call in (message.tool_calls or []) %}
{%- set call = tool_call.function if tool_call.function is defined else tool_call %}
{%- if message.content or not loop.first %}{{- '\\n' }}{%- endif %}
{{- '<tool_call>\\n{"name": "' + call.name + '", "arguments": ' }}
{%- if call.arguments is string %}{{- call.arguments }}{%- else %}{{- call.arguments | tojson }}{%- endif %}
{{- '}\\n</tool_call>' }}
{%- endfor %}
{{- '<|im_end|>' }}
{%- endgeneration %}
{{- '\\n' }}
{%- elif message.role == 'tool' %}
{%- if loop.first or messages[loop.index0 - 1].role != 'tool' %}{{- '<|im_start|>user' }}{%- endif %}
{{- '\\n<tool_response>\\n' + (message.content or '') + '\\n</tool_response>' }}
{%- if loop.last or messages[loop.index0 + 1].role != 'tool' %}{{- '<|im_end|>\\n' }}{%- endif %}
{%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}
"""


@dataclass
class ModelConfig:
    """A Qwen-style decoder. `vocab_size` comes from the tokenizer; the rest is the architecture."""

    family: str = "qwen3"  # "qwen3" (QK-norm) or "qwen2"; both are transformers classes vLLM serves
    hidden_size: int = 64
    num_hidden_layers: int = 2
    num_attention_heads: int = 4
    num_key_value_heads: int = 2  # grouped-query attention when smaller than the number of heads
    intermediate_size: int = 192  # SwiGLU width
    head_dim: int | None = None  # None: hidden_size // num_attention_heads (Qwen3's own default is 128)
    max_position_embeddings: int = 2048
    tie_word_embeddings: bool = True  # small models: the embedding is most of the parameters
    rms_norm_eps: float = 1e-6
    initializer_range: float = 0.02

    @classmethod
    def preset(cls, name: str) -> ModelConfig:
        try:
            return cls(**PRESETS[name])
        except KeyError:
            raise ValueError(f"unknown model preset {name!r}; choose one of {sorted(PRESETS)}") from None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown ModelConfig fields {unknown}; known: {sorted(known)}")
        return cls(**data)


PRESETS: dict[str, dict[str, Any]] = {
    "tiny": {},  # ~0.2M parameters with a 1k vocabulary: tests
    "small": {"hidden_size": 128, "num_hidden_layers": 4, "intermediate_size": 384},  # ~1M: quickstart
    "100m": {
        "hidden_size": 768,
        "num_hidden_layers": 12,
        "num_attention_heads": 12,
        "num_key_value_heads": 4,
        "intermediate_size": 2048,
        "tie_word_embeddings": False,
    },
}


def _strip_special(text: str) -> Iterator[str]:
    """Pieces of `text` between special/markup tokens: the BPE trainer would otherwise spend merges
    on `<|im_start|>` and friends, which are single tokens anyway."""
    pieces = [text]
    for token in SPECIAL_TOKENS + MARKUP_TOKENS:
        pieces = [part for piece in pieces for part in piece.split(token)]
    yield from (piece for piece in pieces if piece)


def render_row(row: Mapping[str, Any], chat_template: str = CHAT_TEMPLATE) -> str:
    """The text a chat template makes of an SFT row `{"messages", "tools"}` (no tokenizer needed)."""
    from transformers.utils.chat_template_utils import render_jinja_template

    messages = [_with_object_arguments(m) for m in row["messages"]]
    rendered, _ = render_jinja_template(
        conversations=[messages], tools=row.get("tools") or None, chat_template=chat_template
    )
    return rendered[0]


def _with_object_arguments(message: Mapping[str, Any]) -> dict[str, Any]:
    calls = []
    for call in message.get("tool_calls") or []:
        function = dict(call.get("function", call))
        if isinstance(function.get("arguments"), str):
            # a malformed call recorded in a trajectory stays a string: its raw text is corpus text too
            with contextlib.suppress(json.JSONDecodeError):
                function["arguments"] = json.loads(function["arguments"])
        calls.append({**call, "function": function})
    return {**message, "tool_calls": calls} if calls else dict(message)


def corpus_from_rows(rows: Iterable[Mapping[str, Any]], chat_template: str = CHAT_TEMPLATE) -> Iterator[str]:
    """Text for tokenizer training from SFT rows: each row rendered through the chat template (so the
    tokenizer learns the exact surface forms the model will see), split around special tokens."""
    for row in rows:
        yield from _strip_special(render_row(row, chat_template))


def train_tokenizer(
    texts: Iterable[str],
    vocab_size: int = 2048,
    *,
    min_frequency: int = 2,
    chat_template: str = CHAT_TEMPLATE,
    model_max_length: int = 2048,
) -> PreTrainedTokenizerFast:
    """A byte-level BPE tokenizer (every byte sequence encodes; no unknown token) trained on `texts`,
    with ChatML special tokens, tool-call markup tokens and `chat_template`.

    `<|im_end|>` is the end-of-sequence token (generation stops on it) and `<|endoftext|>` pads.
    """
    if vocab_size < 256 + len(SPECIAL_TOKENS) + len(MARKUP_TOKENS):
        raise ValueError(
            f"vocab_size={vocab_size} is below the 256 byte symbols plus special tokens; use >= 300"
        )
    tokenizer = Tokenizer(models.BPE())
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(SPLIT_PATTERN), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size - len(MARKUP_TOKENS),
        min_frequency=min_frequency,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator((piece for text in texts for piece in _strip_special(text)), trainer)
    tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in SPECIAL_TOKENS])
    tokenizer.add_tokens([AddedToken(t, special=False, normalized=False) for t in MARKUP_TOKENS])
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        eos_token=IM_END,
        pad_token=PAD,
        chat_template=chat_template,
        model_max_length=model_max_length,
        clean_up_tokenization_spaces=False,
    )


def build_model(config: ModelConfig | Mapping[str, Any] | str, tokenizer: Any) -> PreTrainedModel:
    """A freshly initialised Qwen2/Qwen3 causal LM sized by `config` (a `ModelConfig`, its dict, or a
    preset name) with the tokenizer's vocabulary and special token ids."""
    if isinstance(config, str):
        config = ModelConfig.preset(config)
    elif not isinstance(config, ModelConfig):
        config = ModelConfig.from_dict(config)
    from transformers import Qwen2Config, Qwen2ForCausalLM, Qwen3Config, Qwen3ForCausalLM

    classes = {"qwen2": (Qwen2Config, Qwen2ForCausalLM), "qwen3": (Qwen3Config, Qwen3ForCausalLM)}
    if config.family not in classes:
        raise ValueError(f"unknown model family {config.family!r}; choose one of {sorted(classes)}")
    config_class, model_class = classes[config.family]
    settings = {k: v for k, v in asdict(config).items() if k != "family"}
    settings["head_dim"] = config.head_dim or config.hidden_size // config.num_attention_heads
    hf_config = config_class(
        vocab_size=len(tokenizer),
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=None,
        use_cache=True,
        **settings,
    )
    model = model_class(hf_config)
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    return model


def count_parameters(model: Any) -> int:
    """Distinct parameters (tied embeddings once)."""
    return sum(p.numel() for p in {id(p): p for p in model.parameters()}.values())


def save(model: PreTrainedModel, tokenizer: Any, path: str | Path) -> Path:
    """An ordinary Hugging Face checkpoint: `model.safetensors`, `config.json`, tokenizer files."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def load(path: str | Path, *, dtype: Any = None, device: Any = None) -> tuple[PreTrainedModel, Any]:
    """Model and tokenizer from a local checkpoint directory (or any Hugging Face model path)."""
    path_str = str(path)
    if Path(path_str).exists() and not (Path(path_str) / "config.json").is_file():
        raise FileNotFoundError(f"{path_str} has no config.json: not a model checkpoint directory")
    tokenizer = AutoTokenizer.from_pretrained(path_str)
    model = AutoModelForCausalLM.from_pretrained(path_str, dtype=dtype or "auto")
    if device is not None:
        model = model.to(device)
    return model, tokenizer
