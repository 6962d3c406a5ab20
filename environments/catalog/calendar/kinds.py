"""The closed vocabularies tool parameters accept (JSON Schema enums)."""

from typing import Literal

Department = Literal[
    "Design", "Engineering", "Finance", "Leadership", "Marketing", "Operations", "People", "Product", "Sales"
]
Office = Literal["London", "Berlin", "Lisbon", "New York", "Bangalore"]
Equipment = Literal["projector", "speakerphone", "tv_screen", "video_conferencing", "whiteboard"]
Response = Literal["accepted", "declined", "tentative"]
Scope = Literal["occurrence", "series"]
Priority = Literal["low", "medium", "high", "urgent"]
Status = Literal["todo", "in_progress", "blocked", "in_review", "done"]
