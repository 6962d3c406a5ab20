"""Tables of the file system: one row per file or directory, keyed by absolute path, and the
current working directory. The virtual root "/" has no row."""

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class FsBase(DeclarativeBase):
    pass


class FsNode(FsBase):
    __tablename__ = "fs_nodes"

    path: Mapped[str] = mapped_column(primary_key=True)
    parent: Mapped[str] = mapped_column(index=True)
    name: Mapped[str]
    type: Mapped[str]  # "file" or "directory"
    content: Mapped[str | None]  # files only


class FsCwd(FsBase):
    __tablename__ = "fs_cwd"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str]
