"""BFCL TwitterAPI: post tweets, retweet, comment, mention and follow people, for one account.

`TwitterApiTools` holds the tools (documented BFCL names) and is a plain mixin, so a combined BFCL
environment can host it next to the other APIs; `TwitterApiEnv` is the stand-alone environment.
Its state is BFCL's `initial_config` shape (see `config.py` and the README for the choices).
"""

from __future__ import annotations

import json
from typing import Any, TypedDict

from sqlalchemy import delete, func, insert, select

from envfactory.environments import Environment, ToolError, tool

from ..api import BfclApi, BfclApiEnv
from . import data
from .config import config_from_tables, dump, tables_from_config
from .models import TwAccount, TwComment, TwFollowing, TwitterBase, TwRetweet, TwTweet

__all__ = ["TwitterApiEnv", "TwitterApiTools", "config_from_tables", "seed", "tables_from_config"]


class Tweet(TypedDict, total=False):
    id: int
    username: str
    content: str
    tags: list[str]
    mentions: list[str]


class Comment(TypedDict, total=False):
    username: str
    content: str


class AuthenticationResult(TypedDict, total=False):
    authentication_status: bool


class LoginStatus(TypedDict, total=False):
    login_status: bool


class CommentResult(TypedDict, total=False):
    comment_status: str


class FollowResult(TypedDict, total=False):
    follow_status: bool


class UnfollowResult(TypedDict, total=False):
    unfollow_status: bool


class CommentList(TypedDict, total=False):
    comments: list[Comment]


class UserStats(TypedDict, total=False):
    tweet_count: int
    following_count: int
    retweet_count: int


class UserTweets(TypedDict, total=False):
    user_tweets: list[Tweet]


class FollowingList(TypedDict, total=False):
    following_list: list[str]


class MentionResult(TypedDict, total=False):
    mention_status: str


class RetweetResult(TypedDict, total=False):
    retweet_status: str


class SearchResult(TypedDict, total=False):
    matching_tweets: list[Tweet]


def seed(env: Environment) -> None:
    """Fill the `tw_` tables with the seed account (see `data.py`)."""
    for table, rows in tables_from_config(data.seed_config()).items():
        if rows:
            env.db.execute(insert(TwitterBase.metadata.tables[table]), rows)


class TwitterApiTools:
    """The TwitterAPI tools. Mix into an `Environment` whose metadata holds the `tw_` tables."""

    db: Any

    # ------------------------------------------------------------------ account
    @tool(write=True)
    def authenticate_twitter(self, username: str, password: str) -> AuthenticationResult:
        """Log in to the account with its username and password. Wrong credentials are not an
        error: the status is false and nothing changes.

        Args:
            username: the account's username.
            password: the account's password.

        Returns:
            authentication_status, true when the credentials are right.
        """
        account = self._tw_account()
        if username != account.username or password != account.password:
            return {"authentication_status": False}
        account.authenticated = True
        return {"authentication_status": True}

    @tool()
    def posting_get_login_status(self) -> LoginStatus:
        """Whether the account is logged in.

        Returns:
            login_status, true when logged in.
        """
        return {"login_status": bool(self._tw_account().authenticated)}

    # ------------------------------------------------------------------ tweets
    @tool(write=True)
    def post_tweet(self, content: str, tags: list[str] = [], mentions: list[str] = []) -> Tweet:  # noqa: B006
        """Post a tweet as the logged-in user. Tags are stored with a leading # and mentions with a
        leading @ (added when missing); repeated ones are kept once.

        Args:
            content: the text of the tweet.
            tags: hashtags for the tweet, such as "#travel"; only when the user wants tags.
            mentions: users to mention, such as "@alex"; only when the user wants mentions.

        Returns:
            The new tweet: id, username, content, tags and mentions.
        """
        account = self._tw_require_login("post a tweet")
        if not content.strip():
            raise ToolError("A tweet needs some content.")
        tweet_id = account.tweet_counter
        while self.db.get(TwTweet, tweet_id) is not None:
            tweet_id += 1
        tweet = TwTweet(
            id=tweet_id,
            username=account.username,
            content=content,
            tags=dump(_tw_prefixed(tags, "#")),
            mentions=dump(_tw_prefixed(mentions, "@")),
            extra=None,
        )
        self.db.add(tweet)
        account.tweet_counter = tweet_id + 1
        return _tw_view(tweet)

    @tool()
    def get_tweet(self, tweet_id: int) -> Tweet:
        """Look up one tweet by its id.

        Args:
            tweet_id: the tweet's id.

        Returns:
            The tweet: id, username, content, tags and mentions.
        """
        return _tw_view(self._tw_tweet(tweet_id))

    @tool()
    def get_user_tweets(self, username: str) -> UserTweets:
        """Every tweet one user has posted, oldest first.

        Args:
            username: whose tweets to list.

        Returns:
            user_tweets, a list of tweets (empty when the user has posted nothing).
        """
        tweets = self.db.scalars(select(TwTweet).where(TwTweet.username == username).order_by(TwTweet.id))
        return {"user_tweets": [_tw_view(t) for t in tweets]}

    @tool()
    def search_tweets(self, keyword: str) -> SearchResult:
        """Find tweets whose text contains a keyword (case-insensitive).

        Args:
            keyword: the word or phrase to look for in tweet text.

        Returns:
            matching_tweets, oldest first.
        """
        needle = keyword.strip().lower()
        if not needle:
            raise ToolError("Give a keyword to search for.")
        tweets = self.db.scalars(select(TwTweet).order_by(TwTweet.id))
        return {"matching_tweets": [_tw_view(t) for t in tweets if needle in t.content.lower()]}

    @tool(write=True)
    def retweet(self, tweet_id: int) -> RetweetResult:
        """Retweet a tweet as the logged-in user. Retweeting the same tweet twice changes nothing.

        Args:
            tweet_id: the tweet to retweet.

        Returns:
            retweet_status: "Successfully retweeted" or "Already retweeted".
        """
        account = self._tw_require_login("retweet")
        self._tw_tweet(tweet_id)
        done = list(self.db.scalars(select(TwRetweet.tweet_id).where(TwRetweet.username == account.username)))
        if tweet_id in done:
            return {"retweet_status": "Already retweeted"}
        self.db.add(TwRetweet(username=account.username, position=len(done), tweet_id=tweet_id))
        return {"retweet_status": "Successfully retweeted"}

    @tool(write=True)
    def comment(self, tweet_id: int, comment_content: str) -> CommentResult:
        """Reply to a tweet with a comment, as the logged-in user.

        Args:
            tweet_id: the tweet to comment on.
            comment_content: the text of the comment.

        Returns:
            comment_status: "Comment added successfully".
        """
        account = self._tw_require_login("comment")
        self._tw_tweet(tweet_id)
        if not comment_content.strip():
            raise ToolError("A comment needs some content.")
        count = self.db.scalar(select(func.count()).where(TwComment.tweet_id == tweet_id))
        self.db.add(
            TwComment(tweet_id=tweet_id, position=count, username=account.username, content=comment_content)
        )
        return {"comment_status": "Comment added successfully"}

    @tool()
    def get_tweet_comments(self, tweet_id: int) -> CommentList:
        """The comments on a tweet, in the order they were made.

        Args:
            tweet_id: the tweet whose comments to list.

        Returns:
            comments, each with the commenter's username and the content.
        """
        self._tw_tweet(tweet_id)
        rows = self.db.scalars(
            select(TwComment).where(TwComment.tweet_id == tweet_id).order_by(TwComment.position)
        )
        return {"comments": [{"username": c.username, "content": c.content} for c in rows]}

    @tool(write=True)
    def mention(self, tweet_id: int, mentioned_usernames: list[str]) -> MentionResult:
        """Add mentions to one of the logged-in user's own tweets. Names get a leading @ when
        missing; users already mentioned are not added twice.

        Args:
            tweet_id: the tweet to add the mentions to (it must be the user's own).
            mentioned_usernames: the usernames to mention.

        Returns:
            mention_status: "Users mentioned successfully".
        """
        account = self._tw_require_login("mention users")
        tweet = self._tw_tweet(tweet_id)
        if tweet.username != account.username:
            raise ToolError(
                f"Tweet {tweet_id} belongs to {tweet.username}; you can only edit your own tweets."
            )
        if not mentioned_usernames:
            raise ToolError("Name at least one user to mention.")
        tweet.mentions = dump(_tw_prefixed([*json.loads(tweet.mentions), *mentioned_usernames], "@"))
        return {"mention_status": "Users mentioned successfully"}

    # ------------------------------------------------------------------ people
    @tool(write=True)
    def follow_user(self, username_to_follow: str) -> FollowResult:
        """Follow someone as the logged-in user.

        Args:
            username_to_follow: who to follow.

        Returns:
            follow_status: true when now followed, false when already following (nothing changes).
        """
        account = self._tw_require_login("follow people")
        if username_to_follow == account.username:
            raise ToolError("You cannot follow yourself.")
        following = self._tw_following()
        if username_to_follow in following:
            return {"follow_status": False}
        self.db.add(TwFollowing(position=len(following), username=username_to_follow))
        return {"follow_status": True}

    @tool(write=True)
    def unfollow_user(self, username_to_unfollow: str) -> UnfollowResult:
        """Stop following someone, as the logged-in user.

        Args:
            username_to_unfollow: who to unfollow.

        Returns:
            unfollow_status: true when unfollowed, false when not following them (nothing changes).
        """
        self._tw_require_login("unfollow people")
        following = self._tw_following()
        if username_to_unfollow not in following:
            return {"unfollow_status": False}
        following.remove(username_to_unfollow)
        self.db.execute(delete(TwFollowing))
        if following:
            self.db.execute(
                insert(TwFollowing), [{"position": i, "username": u} for i, u in enumerate(following)]
            )
        return {"unfollow_status": True}

    @tool()
    def list_all_following(self) -> FollowingList:
        """Everyone the logged-in user follows, in the order they were followed.

        Returns:
            following_list, a list of usernames.
        """
        self._tw_require_login("see who you follow")
        return {"following_list": self._tw_following()}

    @tool()
    def get_user_stats(self, username: str) -> UserStats:
        """Counts for a user: tweets posted, people followed and retweets made. Only the account's
        own following list is known, so for anyone else following_count is 0.

        Args:
            username: whose statistics to get.

        Returns:
            tweet_count, following_count and retweet_count.
        """
        account = self._tw_account()
        tweets = self.db.scalar(select(func.count()).where(TwTweet.username == username))
        retweets = self.db.scalar(select(func.count()).where(TwRetweet.username == username))
        following = self._tw_following() if username == account.username else []
        comments = self.db.scalar(select(func.count()).where(TwComment.username == username))
        known = tweets or retweets or comments or username == account.username
        if not known and username not in self._tw_following():
            raise ToolError(f"No user named {username!r}.")
        return {"tweet_count": tweets, "following_count": len(following), "retweet_count": retweets}

    # ------------------------------------------------------------------ helpers
    def _tw_account(self) -> TwAccount:
        return self.db.get(TwAccount, 1)

    def _tw_require_login(self, action: str) -> TwAccount:
        account = self._tw_account()
        if not account.authenticated:
            raise ToolError(
                f"You must be logged in to {action}; authenticate with your username and password."
            )
        return account

    def _tw_tweet(self, tweet_id: int) -> TwTweet:
        tweet = self.db.get(TwTweet, tweet_id)
        if tweet is None:
            raise ToolError(f"Tweet with ID {tweet_id} not found.")
        return tweet

    def _tw_following(self) -> list[str]:
        return list(self.db.scalars(select(TwFollowing.username).order_by(TwFollowing.position)))


def _tw_prefixed(names: list[str], prefix: str) -> list[str]:
    out: list[str] = []
    for name in names:
        name = name.strip()
        if not name.lstrip(prefix):
            raise ToolError(f"{name!r} is not a valid {'tag' if prefix == '#' else 'mention'}.")
        full = name if name.startswith(prefix) else prefix + name
        if full not in out:
            out.append(full)
    return out


def _tw_view(tweet: TwTweet) -> Tweet:
    return {
        "id": tweet.id,
        "username": tweet.username,
        "content": tweet.content,
        "tags": json.loads(tweet.tags),
        "mentions": json.loads(tweet.mentions),
    }


class TwitterApiEnv(TwitterApiTools, BfclApiEnv):
    name = "bfcl_twitter"
    description = (
        "BFCL's TwitterAPI: one account that posts tweets, retweets, comments, mentions and follows "
        "people; state in BFCL's initial_config shape."
    )
    metadata = TwitterBase.metadata
    api = BfclApi("TwitterAPI", seed, tables_from_config, config_from_tables)
