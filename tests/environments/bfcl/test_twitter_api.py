"""BFCL TwitterAPI (`bfcl_twitter`): docs match, config round trip, conformance, documented behaviour.
Seed facts: Lena (lena_trails) is logged out; tweets 0..39 exist, 9 of them hers; she follows six
people and has retweeted tweets 6, 14 and 27."""

from __future__ import annotations

import pytest

from envfactory.environments.catalog.bfcl.twitter_api import TwitterApiEnv
from envfactory.environments.catalog.bfcl.twitter_api.data import OWNER, PASSWORD
from envfactory.environments.conformance import check_environment
from tests.environments.bfcl.docs import initial_config, schema_mismatches
from tests.environments.helpers import ok, refused


@pytest.fixture
def env() -> TwitterApiEnv:
    return TwitterApiEnv.create()


@pytest.fixture
def lena(env: TwitterApiEnv) -> TwitterApiEnv:
    assert ok(env, "authenticate_twitter", username=OWNER, password=PASSWORD) == {
        "authentication_status": True
    }
    return env


def test_tools_match_the_bfcl_docs() -> None:
    assert schema_mismatches(TwitterApiEnv, "posting_api.json") == []


def test_the_bfcl_example_config_is_the_state_and_round_trips() -> None:
    config = initial_config("TwitterAPI")
    env = TwitterApiEnv.create(state=config)
    exported = env.export_state()
    assert {key: exported[key] for key in config} == config
    assert exported["authenticated"] is False and exported["comments"] == {}
    assert TwitterApiEnv.from_state(exported).export_state() == exported
    ok(env, "authenticate_twitter", username=config["username"], password=config["password"])
    assert ok(env, "post_tweet", content="Q3 numbers are in")["id"] == config["tweet_counter"]


def test_the_environment_conforms() -> None:
    assert [r for r in check_environment(TwitterApiEnv) if not r.ok] == []


def test_writing_needs_a_login_and_a_wrong_password_changes_nothing(env: TwitterApiEnv) -> None:
    result = env.call("post_tweet", {"content": "hello"})
    assert result.content.startswith('{"error":') and "logged in" in result.error
    before = env.state_hash()
    assert ok(env, "authenticate_twitter", username=OWNER, password="guess") == {
        "authentication_status": False
    }
    assert env.state_hash() == before
    assert ok(env, "posting_get_login_status") == {"login_status": False}


def test_a_posted_tweet_takes_the_counter_id_and_normalizes_tags_and_mentions(lena: TwitterApiEnv) -> None:
    tweet = ok(
        lena,
        "post_tweet",
        content="Hill day",
        tags=["hills", "#hills", "#training"],
        mentions=["marathon_mo"],
    )
    assert tweet == {
        "id": 40,
        "username": OWNER,
        "content": "Hill day",
        "tags": ["#hills", "#training"],
        "mentions": ["@marathon_mo"],
    }
    state = lena.export_state()
    assert state["tweet_counter"] == 41 and state["tweets"]["40"] == tweet
    assert ok(lena, "get_user_stats", username=OWNER)["tweet_count"] == 10


def test_retweeting_twice_counts_once(lena: TwitterApiEnv) -> None:
    assert ok(lena, "retweet", tweet_id=21) == {"retweet_status": "Successfully retweeted"}
    assert ok(lena, "retweet", tweet_id=21) == {"retweet_status": "Already retweeted"}
    assert lena.export_state()["retweets"][OWNER] == [6, 14, 27, 21]
    assert ok(lena, "get_user_stats", username=OWNER)["retweet_count"] == 4


def test_comments_append_in_order_and_unknown_tweets_are_errors(lena: TwitterApiEnv) -> None:
    ok(lena, "comment", tweet_id=0, comment_content="It was glassy, I walked it.")
    comments = ok(lena, "get_tweet_comments", tweet_id=0)["comments"]
    assert (
        comments[-1] == {"username": OWNER, "content": "It was glassy, I walked it."} and len(comments) == 3
    )
    assert refused(lena, "comment", tweet_id=99, comment_content="hi") == "Tweet with ID 99 not found."
    assert lena.call("get_tweet", {"tweet_id": 99}).content == '{"error":"Tweet with ID 99 not found."}'


def test_follow_and_unfollow_report_whether_anything_changed(lena: TwitterApiEnv) -> None:
    assert ok(lena, "follow_user", username_to_follow="rita_reads") == {"follow_status": True}
    assert ok(lena, "follow_user", username_to_follow="rita_reads") == {"follow_status": False}
    assert ok(lena, "unfollow_user", username_to_unfollow="city_parks") == {"unfollow_status": True}
    assert ok(lena, "unfollow_user", username_to_unfollow="city_parks") == {"unfollow_status": False}
    following = ok(lena, "list_all_following")["following_list"]
    assert following == [
        "marathon_mo",
        "birdwatch_ben",
        "chef_amara",
        "techpulse",
        "coffee_cartographer",
        "rita_reads",
    ]
    assert ok(lena, "get_user_stats", username=OWNER)["following_count"] == 6
    assert "cannot follow yourself" in refused(lena, "follow_user", username_to_follow=OWNER)


def test_mentions_are_added_only_to_your_own_tweets(lena: TwitterApiEnv) -> None:
    assert "belongs to marathon_mo" in refused(
        lena, "mention", tweet_id=1, mentioned_usernames=["rita_reads"]
    )
    ok(lena, "mention", tweet_id=4, mentioned_usernames=["@marathon_mo", "techpulse"])
    assert ok(lena, "get_tweet", tweet_id=4)["mentions"] == ["@marathon_mo", "@techpulse"]


def test_search_is_case_insensitive_over_tweet_text(env: TwitterApiEnv) -> None:
    found = ok(env, "search_tweets", keyword="PINE VALLEY")["matching_tweets"]
    assert [t["id"] for t in found] == [4, 30]


def test_stats_of_other_users_and_unknown_users(env: TwitterApiEnv) -> None:
    assert ok(env, "get_user_stats", username="marathon_mo") == {
        "tweet_count": 4,
        "following_count": 0,
        "retweet_count": 2,
    }
    assert refused(env, "get_user_stats", username="nobody_here") == "No user named 'nobody_here'."


def test_a_partial_config_fills_defaults_and_keeps_unknown_keys() -> None:
    env = TwitterApiEnv.create(
        state={"tweets": {"5": {"id": 5, "username": "a", "content": "x"}}, "theme": "dark"}
    )
    state = env.export_state()
    assert state["tweet_counter"] == 6 and state["theme"] == "dark" and state["following_list"] == []
    assert state["tweets"]["5"] == {"id": 5, "username": "a", "content": "x", "tags": [], "mentions": []}
    assert ok(env, "get_user_tweets", username="a")["user_tweets"][0]["id"] == 5
