"""The GRPO loss pieces against numbers worked out by hand."""

from __future__ import annotations

import math

import pytest
import torch

from envfactory.trainer.losses import (
    clipped_token_loss,
    group_advantages,
    has_signal,
    kl_k3,
    masked_mean,
    sequence_guard,
    sequence_log_ratio,
    token_logprobs,
)


def test_advantages_are_reward_minus_group_mean() -> None:
    advantages = group_advantages(torch.tensor([1.0, 0.0, 0.5, 0.5]))
    assert advantages.tolist() == pytest.approx([0.5, -0.5, 0.0, 0.0])


def test_advantages_scaled_by_population_std_when_asked() -> None:
    # std of [1, 0, .5, .5] = sqrt((.25 + .25 + 0 + 0) / 4) = 0.353553
    advantages = group_advantages(torch.tensor([1.0, 0.0, 0.5, 0.5]), scale_by_std=True)
    assert advantages.tolist() == pytest.approx([1.414210, -1.414210, 0.0, 0.0], abs=1e-4)


def test_advantages_reject_an_empty_group() -> None:
    with pytest.raises(ValueError, match="non-empty 1-D"):
        group_advantages(torch.tensor([]))


def test_a_group_with_equal_rewards_has_no_signal() -> None:
    assert not has_signal(torch.tensor([0.3, 0.3, 0.3]))
    assert not has_signal(torch.tensor([1.0]))
    assert has_signal(torch.tensor([0.3, 0.3, 0.35]))


def test_clipped_loss_takes_the_pessimistic_side_with_clip_higher() -> None:
    ratios = torch.tensor([[1.5, 0.5, 0.5, 1.5, 1.0, 1.0]])
    advantages = torch.tensor([[1.0, 1.0, -1.0, -1.0, 2.0, 2.0]])
    mask = torch.tensor([[1, 1, 1, 1, 1, 0]])
    sampler = torch.full_like(ratios, -2.0)
    logp = (sampler + ratios.log()).requires_grad_()
    loss, bound = clipped_token_loss(logp, sampler, advantages, mask, clip_low=0.2, clip_high=0.28)
    # 1.5 with A=+1 is capped at 1.28; 0.5 with A=-1 at 0.8; the other sides keep the raw ratio.
    assert loss.tolist()[0] == pytest.approx([-1.28, -0.5, 0.8, 1.5, -2.0, 0.0])
    assert bound.tolist() == [[True, False, True, False, False, False]]
    loss.sum().backward()
    # d(-ρA)/d logp = -ρA where the clip is not binding, 0 where it binds or the token is masked.
    assert logp.grad.tolist()[0] == pytest.approx([0.0, -0.5, 0.0, 1.5, -2.0, 0.0])


def test_clipped_loss_broadcasts_one_advantage_per_sample() -> None:
    logp = torch.zeros(2, 3)
    loss, _ = clipped_token_loss(logp, logp, torch.tensor([1.0, -2.0]), torch.ones(2, 3))
    assert loss.tolist() == [[-1.0, -1.0, -1.0], [2.0, 2.0, 2.0]]


def test_sequence_guard_keeps_mean_ratios_within_half_and_double() -> None:
    log = math.log
    diffs = torch.tensor(
        [[log(2), log(2)], [log(3), 0.0], [log(3), log(3)], [-log(4), 0.0], [-log(4), -log(4)], [9.0, 0.0]]
    )
    mask = torch.tensor([[1, 1], [1, 1], [1, 1], [1, 1], [1, 1], [0, 1]])
    sampler = torch.zeros_like(diffs)
    assert sequence_log_ratio(diffs, sampler, mask).tolist() == pytest.approx(
        [log(2), log(3) / 2, log(3), -log(4) / 2, -log(4), 0.0]
    )
    # ratios 2, 1.732, 3, 0.5, 0.25, and 1 (the 9.0 is on a masked token)
    assert sequence_guard(diffs, sampler, mask).tolist() == [True, True, False, True, False, True]


def test_k3_estimator_by_hand() -> None:
    # r = 0.25 / 0.5 = 0.5: 0.5 - 1 - log(0.5) = 0.193147
    value = kl_k3(torch.tensor([math.log(0.5)]), torch.tensor([math.log(0.25)]))
    assert value.item() == pytest.approx(0.193147, abs=1e-6)
    assert kl_k3(torch.tensor([-1.3]), torch.tensor([-1.3])).item() == 0.0


def test_token_logprobs_gathers_the_target_under_log_softmax() -> None:
    logits = torch.tensor([[[0.0, math.log(3.0)], [math.log(4.0), 0.0]]])
    # softmax([0, log 3]) = [.25, .75]; softmax([log 4, 0]) = [.8, .2]
    logp = token_logprobs(logits, torch.tensor([[1, 1]]))
    assert logp.exp().tolist()[0] == pytest.approx([0.75, 0.2])


def test_masked_mean_ignores_masked_values() -> None:
    assert masked_mean(torch.tensor([1.0, 3.0, 100.0]), torch.tensor([1, 1, 0])).item() == 2.0
