"""Seed state of the TwitterAPI environment, in BFCL's `initial_config` shape: Lena Ortiz's
account (a trail runner who writes about the outdoors), the people around her, their tweets,
comments and retweets. Logged out: tasks start by logging in."""

from __future__ import annotations

from typing import Any

OWNER = "lena_trails"
PASSWORD = "Ridge&Pine_2026"

# (author, content, tags, mentions), ids in order from 0.
TWEETS: list[tuple[str, str, list[str], list[str]]] = [
    (
        OWNER,
        "First sunrise run of the year on Eagle Ridge. Frost on every branch.",
        ["#trailrunning", "#sunrise"],
        [],
    ),
    (
        "marathon_mo",
        "Long run Sunday: 32 km at easy pace, legs feel fresh for once.",
        ["#marathon", "#training"],
        [],
    ),
    (
        "chef_amara",
        "Roasted squash soup with brown butter and sage. Recipe on the blog tonight.",
        ["#recipe", "#autumn"],
        [],
    ),
    (
        "devops_dan",
        "Postmortem lesson of the week: alerts nobody reads are not alerts.",
        ["#devops", "#oncall"],
        [],
    ),
    (
        OWNER,
        "Packing list for the Pine Valley 50K: two soft flasks, rain shell, salt tabs, headlamp.",
        ["#ultrarunning", "#gear"],
        ["@marathon_mo"],
    ),
    (
        "birdwatch_ben",
        "Spotted a pair of kingfishers at Miller Pond this morning!",
        ["#birding", "#wildlife"],
        [],
    ),
    (
        "city_parks",
        "The Eagle Ridge trailhead parking lot reopens on Monday after resurfacing.",
        ["#parks", "#trails"],
        [],
    ),
    (
        "rita_reads",
        "Finished 'The Overstory' at last. Trees will never look the same.",
        ["#books", "#reading"],
        [],
    ),
    (
        "techpulse",
        "New lightweight GPS watch announced: 40 hours of battery in full tracking mode.",
        ["#gadgets", "#running"],
        [],
    ),
    (
        "greenthumb_gwen",
        "Seed swap at the community garden this Saturday, 10am to noon.",
        ["#gardening", "#community"],
        [],
    ),
    (
        OWNER,
        "Trail tip: carry a spare buff. It is a hat, a towel, a mask and a sling when you need one.",
        ["#trailrunning", "#tips"],
        [],
    ),
    (
        "marathon_mo",
        "Who else is racing the Harbor Half next month? Looking for a pacing buddy.",
        ["#halfmarathon"],
        ["@lena_trails"],
    ),
    (
        "chef_amara",
        "Best trail snack I have made: date and oat bars with sea salt.",
        ["#recipe", "#snacks"],
        ["@lena_trails"],
    ),
    (
        "devops_dan",
        "Finally moved our CI to ephemeral runners. Build times down by a third.",
        ["#devops", "#ci"],
        [],
    ),
    (
        "birdwatch_ben",
        "Heron rookery count at Cedar Marsh: 14 nests, up from 9 last spring.",
        ["#birding", "#conservation"],
        ["@city_parks"],
    ),
    (
        OWNER,
        "Volunteered at the Cedar Marsh cleanup today. Forty bags of litter out of the wetland.",
        ["#volunteering", "#conservation"],
        ["@city_parks"],
    ),
    (
        "city_parks",
        "Reminder: dogs must be leashed on the Cedar Marsh boardwalk during nesting season.",
        ["#parks", "#wildlife"],
        [],
    ),
    (
        "rita_reads",
        "Book club pick for March: 'Braiding Sweetgrass'. Join us at the library.",
        ["#books", "#bookclub"],
        [],
    ),
    (
        "techpulse",
        "Review: the new trail shoe from Northpeak grips wet rock better than anything we tested.",
        ["#gear", "#review"],
        [],
    ),
    (
        "greenthumb_gwen",
        "My tomato seedlings are up! Twelve varieties this year, fingers crossed.",
        ["#gardening"],
        [],
    ),
    (
        OWNER,
        "Rain all day, so it is treadmill intervals and a podcast about mountain rescue.",
        ["#training"],
        [],
    ),
    (
        "marathon_mo",
        "Broke 3:10 at the Lakeside Marathon! Thank you to everyone who cheered.",
        ["#marathon", "#pb"],
        [],
    ),
    (
        "coffee_cartographer",
        "Mapping every independent coffee shop in the old town. Twenty-three so far.",
        ["#coffee", "#maps"],
        [],
    ),
    (
        "devops_dan",
        "Hot take: most microservices should have stayed a well-organised monolith.",
        ["#architecture"],
        [],
    ),
    (
        "chef_amara",
        "Pop-up dinner at the farmers market on Friday. Mushroom risotto is on the menu.",
        ["#food", "#popup"],
        [],
    ),
    (
        OWNER,
        "Saw a bobcat cross the trail near Fox Hollow at dusk. Still shaking with excitement.",
        ["#wildlife", "#trailrunning"],
        [],
    ),
    (
        "birdwatch_ben",
        "Dawn chorus walk this Sunday at 6am. Bring binoculars and patience.",
        ["#birding", "#events"],
        [],
    ),
    (
        "city_parks",
        "Fox Hollow trail is closed between mile 2 and 4 for bridge repairs until April.",
        ["#parks", "#trails", "#closure"],
        [],
    ),
    (
        "coffee_cartographer",
        "The best espresso in town is in a bike shop. I will not elaborate.",
        ["#coffee"],
        [],
    ),
    (
        "techpulse",
        "Battery breakthrough or hype? We looked at the new solid-state cells.",
        ["#tech", "#batteries"],
        [],
    ),
    (
        OWNER,
        "Registered for the Pine Valley 50K! Training block starts Monday.",
        ["#ultrarunning", "#goals"],
        [],
    ),
    (
        "rita_reads",
        "Library late fees are abolished from April. Huge win for readers.",
        ["#books", "#library"],
        ["@city_parks"],
    ),
    (
        "greenthumb_gwen",
        "Composting workshop recap: browns, greens, air and patience.",
        ["#gardening", "#compost"],
        [],
    ),
    ("marathon_mo", "Recovery week. Easy miles, lots of sleep, too many pancakes.", ["#recovery"], []),
    (
        OWNER,
        "Hill repeats on Signal Hill: 8 x 90 seconds. Quads are filing a complaint.",
        ["#training", "#hills"],
        [],
    ),
    (
        "devops_dan",
        "Running a game day on Thursday: we will unplug the primary database on purpose.",
        ["#devops", "#chaos"],
        [],
    ),
    (
        "coffee_cartographer",
        "Trail coffee done right: a tiny grinder, an aeropress and a view.",
        ["#coffee", "#outdoors"],
        ["@lena_trails"],
    ),
    ("chef_amara", "Sourdough starter turned five today. Her name is Dough Parton.", ["#baking"], []),
    (
        OWNER,
        "Quick poll: headlamp or handheld torch for night running? Tell me your reasons.",
        ["#trailrunning", "#gear"],
        [],
    ),
    ("birdwatch_ben", "First swallows of spring are back over Miller Pond.", ["#birding", "#spring"], []),
]

COMMENTS: dict[int, list[tuple[str, str]]] = {
    0: [
        ("marathon_mo", "Beautiful! How icy was the descent?"),
        ("birdwatch_ben", "Any owls up there at that hour?"),
    ],
    4: [
        ("marathon_mo", "Add a spare pair of socks, trust me."),
        ("techpulse", "Which headlamp are you taking?"),
    ],
    11: [(OWNER, "Count me in for the first 15 km!")],
    12: [(OWNER, "These look perfect for the 50K, sharing the recipe please!")],
    15: [("city_parks", "Thank you to all our volunteers!"), ("greenthumb_gwen", "Amazing work, Lena.")],
    21: [(OWNER, "Huge congratulations, Mo!"), ("chef_amara", "Celebration dinner on me.")],
    25: [
        ("birdwatch_ben", "Lucky you! They are so shy."),
        ("city_parks", "Please report sightings on our wildlife map."),
    ],
    27: [(OWNER, "Is the lower loop still open?"), ("city_parks", "Yes, the lower loop is open.")],
    30: [("marathon_mo", "Let's go! I will pace you on the long runs.")],
    38: [
        ("techpulse", "Headlamp, every time. Hands free for the poles."),
        ("marathon_mo", "Handheld: better shadows."),
    ],
}

RETWEETS: dict[str, list[int]] = {
    OWNER: [6, 14, 27],
    "marathon_mo": [4, 30],
    "city_parks": [15],
    "birdwatch_ben": [25, 16],
}

FOLLOWING = ["marathon_mo", "city_parks", "birdwatch_ben", "chef_amara", "techpulse", "coffee_cartographer"]


def seed_config() -> dict[str, Any]:
    return {
        "username": OWNER,
        "password": PASSWORD,
        "authenticated": False,
        "tweets": {
            str(i): {"id": i, "username": author, "content": content, "tags": tags, "mentions": mentions}
            for i, (author, content, tags, mentions) in enumerate(TWEETS)
        },
        "comments": {
            str(tweet_id): [{"username": u, "content": c} for u, c in items]
            for tweet_id, items in COMMENTS.items()
        },
        "retweets": RETWEETS,
        "following_list": FOLLOWING,
        "tweet_counter": len(TWEETS),
    }
