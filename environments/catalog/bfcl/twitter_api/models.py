"""Tables of the BFCL TwitterAPI environment. Own metadata, every table prefixed `tw_`, so they can
share one database with the other BFCL APIs. Lists keep their order in a `position` column, kept
as 0..n-1 so that equal states have equal tables."""

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class TwitterBase(DeclarativeBase):
    pass


class TwAccount(TwitterBase):
    """The one account this API acts for (a single row, id 1)."""

    __tablename__ = "tw_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str]
    password: Mapped[str]
    authenticated: Mapped[bool]
    tweet_counter: Mapped[int]  # the id the next posted tweet gets


class TwTweet(TwitterBase):
    __tablename__ = "tw_tweets"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str]
    content: Mapped[str]
    tags: Mapped[str]  # JSON list of "#tag"
    mentions: Mapped[str]  # JSON list of "@user"
    extra: Mapped[str | None]  # JSON object of keys a config gave that the API does not use


class TwComment(TwitterBase):
    __tablename__ = "tw_comments"

    tweet_id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str]
    content: Mapped[str]


class TwRetweet(TwitterBase):
    __tablename__ = "tw_retweets"

    username: Mapped[str] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    tweet_id: Mapped[int]


class TwFollowing(TwitterBase):
    """The account's following list, in order."""

    __tablename__ = "tw_following"

    position: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str]


class TwExtra(TwitterBase):
    """Top-level config keys the API does not model, kept verbatim (JSON) so exports give them back."""

    __tablename__ = "tw_extras"

    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str]
