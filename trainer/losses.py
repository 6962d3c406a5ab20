"""The GRPO objective as pure tensor functions (no model, no I/O), each unit-tested on numbers
worked out by hand.

The choices, and why:

- **Advantages** are `A_i = r_i - mean(group)` without dividing by the group's standard deviation
  (dividing re-weights groups by how unsure they are, which biases towards too-easy and too-hard
  tasks); `scale_by_std=True` gives the original GRPO form for those who want it.
- **Ratio** `ρ = exp(logπθ - logμ)` is taken against the logprobs the *sampler* reported, not a
  recomputation by the trainer: the sampler is what produced the tokens, so this corrects for any
  mismatch between the two engines as well as for the policy moving.
- **Clip-higher** (`1 - 0.2`, `1 + 0.28`): a wider upper bound lets rare good tokens grow, which
  keeps entropy from collapsing.
- **Sequence guard**: a sample whose mean token log-ratio puts `exp(mean(logπθ - logμ))` outside
  `[0.5, 2]` is dropped whole: so far off-policy, its token ratios are noise.
- **Normalisation**: the loss is a *sum* over sampled tokens; the caller divides by the number of
  sampled tokens in the whole batch, so long and short samples weigh the same per token and
  gradient accumulation gives the same gradient as one big batch.
"""

from __future__ import annotations

import torch
from torch import Tensor


def group_advantages(rewards: Tensor, scale_by_std: bool = False, eps: float = 1e-6) -> Tensor:
    """Advantages of a group's episodes: reward minus the group's mean reward (1-D in, 1-D out)."""
    if rewards.dim() != 1 or rewards.numel() == 0:
        raise ValueError(f"rewards must be a non-empty 1-D tensor, got shape {tuple(rewards.shape)}")
    advantages = rewards - rewards.mean()
    if scale_by_std:
        advantages = advantages / (rewards.std(unbiased=False) + eps)
    return advantages


def has_signal(rewards: Tensor, tol: float = 1e-6) -> bool:
    """False for a group whose rewards are all equal: every advantage is 0, it teaches nothing."""
    return rewards.numel() > 1 and float(rewards.max() - rewards.min()) > tol


def token_logprobs(logits: Tensor, targets: Tensor) -> Tensor:
    """log p(target) under `logits` (float32 softmax), for each position: `[B, T, V], [B, T] -> [B, T]`."""
    logp = torch.log_softmax(logits.float(), dim=-1)
    return logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)


def clipped_token_loss(
    logp: Tensor,
    sampler_logp: Tensor,
    advantages: Tensor,
    mask: Tensor,
    clip_low: float = 0.2,
    clip_high: float = 0.28,
) -> tuple[Tensor, Tensor]:
    """Per-token `-min(ρA, clip(ρ, 1-clip_low, 1+clip_high)A)` on masked tokens, 0 elsewhere, and
    which tokens the clip bound (their gradient is zero).

    Shapes: `logp`, `sampler_logp`, `mask` are `[B, T]`; `advantages` is `[B]` or `[B, T]`."""
    if advantages.dim() == 1:
        advantages = advantages.unsqueeze(-1)
    mask = mask.to(logp.dtype)
    ratio = torch.exp(logp - sampler_logp)
    unclipped = ratio * advantages
    clipped = torch.clamp(ratio, 1.0 - clip_low, 1.0 + clip_high) * advantages
    loss = -torch.minimum(unclipped, clipped) * mask
    bound = (clipped < unclipped) & (mask > 0)
    return loss, bound


def sequence_log_ratio(logp: Tensor, sampler_logp: Tensor, mask: Tensor) -> Tensor:
    """`mean_t(logπθ - logμ)` over each sample's masked tokens: `[B, T] -> [B]` (0 for no tokens)."""
    mask = mask.to(logp.dtype)
    count = mask.sum(-1)
    total = ((logp - sampler_logp) * mask).sum(-1)
    return torch.where(count > 0, total / count.clamp(min=1.0), torch.zeros_like(total))


def sequence_guard(
    logp: Tensor, sampler_logp: Tensor, mask: Tensor, low: float = 0.5, high: float = 2.0
) -> Tensor:
    """Which samples to keep: `exp(mean_t(logπθ - logμ))` within `[low, high]` (`[B]` bool)."""
    ratio = torch.exp(sequence_log_ratio(logp, sampler_logp, mask))
    return (ratio >= low) & (ratio <= high)


def kl_k3(log_p: Tensor, log_q: Tensor) -> Tensor:
    """Per-token estimate of KL(p || q) from tokens sampled from p: `r - 1 - log r` with `r = q/p`
    (Schulman's k3: unbiased, never negative, low variance when p and q are close)."""
    log_r = log_q - log_p
    return torch.exp(log_r) - 1.0 - log_r


def masked_mean(values: Tensor, mask: Tensor) -> Tensor:
    mask = mask.to(values.dtype)
    return (values * mask).sum() / mask.sum().clamp(min=1.0)
