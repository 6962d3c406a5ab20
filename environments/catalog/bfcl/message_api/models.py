"""Tables of the Message API: the workspace's users, its message log (BFCL's `inbox`), the
message ids handed out so far, and the session settings (who is logged in, counters)."""

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class MsgBase(DeclarativeBase):
    pass


class MsgUser(MsgBase):
    __tablename__ = "msg_users"

    user_name: Mapped[str] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(unique=True)


class MsgInboxEntry(MsgBase):
    """One receiver of one `inbox` entry: `{receiver_id: messages}`, entries numbered in order."""

    __tablename__ = "msg_inbox"

    entry: Mapped[int] = mapped_column(primary_key=True)
    receiver_id: Mapped[str] = mapped_column(primary_key=True)
    messages: Mapped[str]  # JSON: a list of texts (or one text, as some configs give it)


class MsgGeneratedId(MsgBase):
    __tablename__ = "msg_generated_ids"

    id: Mapped[int] = mapped_column(primary_key=True)


class MsgSettings(MsgBase):
    __tablename__ = "msg_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    current_user: Mapped[str | None]
    user_count: Mapped[int]
    message_count: Mapped[int]
