"""Tables of the mail environment: one mailbox (folders, labels, messages, recipients,
attachments), the owner's contacts and groups, filters and the vacation auto-reply."""

from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Folder(Base):
    __tablename__ = "folders"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    system: Mapped[bool] = mapped_column(default=False)


class Label(Base):
    __tablename__ = "labels"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    color: Mapped[str]


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[str] = mapped_column(primary_key=True)
    thread_id: Mapped[str] = mapped_column(index=True)
    folder_id: Mapped[str] = mapped_column(ForeignKey("folders.id"))
    from_address: Mapped[str]
    from_name: Mapped[str]
    subject: Mapped[str]
    body: Mapped[str]
    date: Mapped[str]
    is_read: Mapped[bool] = mapped_column(default=False)
    is_starred: Mapped[bool] = mapped_column(default=False)
    in_reply_to: Mapped[str | None]
    trashed_from: Mapped[str | None]


class Recipient(Base):
    __tablename__ = "recipients"

    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str | None]
    position: Mapped[int]


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id"), index=True)
    filename: Mapped[str]
    content_type: Mapped[str]
    size_bytes: Mapped[int]


class MessageLabel(Base):
    __tablename__ = "message_labels"

    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id"), primary_key=True)
    label_id: Mapped[str] = mapped_column(ForeignKey("labels.id"), primary_key=True)


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    email: Mapped[str] = mapped_column(unique=True)
    phone: Mapped[str | None]
    company: Mapped[str | None]
    city: Mapped[str | None]


class ContactGroup(Base):
    __tablename__ = "contact_groups"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)


class GroupMember(Base):
    __tablename__ = "group_members"

    group_id: Mapped[str] = mapped_column(ForeignKey("contact_groups.id"), primary_key=True)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), primary_key=True)


class Filter(Base):
    __tablename__ = "filters"

    id: Mapped[str] = mapped_column(primary_key=True)
    from_contains: Mapped[str | None]
    subject_contains: Mapped[str | None]
    move_to: Mapped[str | None] = mapped_column(ForeignKey("folders.id"))
    apply_label: Mapped[str | None] = mapped_column(ForeignKey("labels.id"))
    mark_read: Mapped[bool] = mapped_column(default=False)


class VacationReply(Base):
    __tablename__ = "vacation_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    start_date: Mapped[str | None]
    end_date: Mapped[str | None]
    subject: Mapped[str | None]
    message: Mapped[str | None]
    contacts_only: Mapped[bool] = mapped_column(default=False)
