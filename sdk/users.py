"""Who plays the user in an episode.

A `UserSimulator` is asked for the next user message whenever the agent answers without tool
calls; `None` ends the episode. `SingleInstruction` (the default) has said everything in the
task's instruction. `LLMUser` plays the task's `user` persona with a chat model: it knows what the
persona says it knows, answers the agent's questions with it, and ends with a stop marker once the
request is done (or clearly cannot be).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from .agent import ChatModel

STOP_MARKER = "###STOP###"


@runtime_checkable
class UserSimulator(Protocol):
    def reply(self, conversation: Sequence[Mapping[str, Any]]) -> str | None:
        """The user's next message after the agent's latest answer, or None to end."""
        ...


class SingleInstruction:
    """The user said everything in the instruction; the first answer ends the episode."""

    def reply(self, conversation: Sequence[Mapping[str, Any]]) -> str | None:
        return None


class LLMUser:
    """A chat model playing the task's user (`task["user"]`: persona and what they know)."""

    def __init__(
        self,
        model: ChatModel,
        instruction: str,
        persona: str | None = None,
        *,
        max_replies: int = 8,
        stop_marker: str = STOP_MARKER,
    ) -> None:
        self.model = model
        self.stop_marker = stop_marker
        self.max_replies = max_replies
        self.replies = 0
        self.system = (
            "You are role-playing a person talking to a customer-service assistant. Stay in "
            "character and write only what that person would type.\n"
            f"What you want: {instruction}\n"
            + (f"Who you are and what you know: {persona}\n" if persona else "")
            + "Give information only when the assistant asks for it, and only what you know; never "
            "invent ids or facts. Do not do the assistant's work. When your request is done, or the "
            f"assistant says it cannot be done, reply with exactly {stop_marker}."
        )

    @classmethod
    def for_task(cls, model: ChatModel, task: Mapping[str, Any], **options: Any) -> LLMUser:
        return cls(model, task["instruction"], task.get("user"), **options)

    def _messages(self, conversation: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """The conversation seen from the user's side: the agent's answers are what it hears."""
        flipped = [{"role": "system", "content": self.system}]
        for message in conversation:
            spoken = message.get("content") and not message.get("tool_calls")
            if message.get("role") == "assistant" and spoken:
                flipped.append({"role": "user", "content": message["content"]})
            elif message.get("role") == "user":
                flipped.append({"role": "assistant", "content": message["content"]})
        return flipped

    def _finish(self, text: str | None) -> str | None:
        self.replies += 1
        if not text or self.stop_marker in text or self.replies > self.max_replies:
            return None
        return text.strip()

    def reply(self, conversation: Sequence[Mapping[str, Any]]) -> str | None:
        turn = self.model.complete(self._messages(conversation), [])
        return self._finish(turn.message.get("content"))

    async def areply(self, conversation: Sequence[Mapping[str, Any]]) -> str | None:
        turn = await self.model.acomplete(self._messages(conversation), [])
        return self._finish(turn.message.get("content"))
