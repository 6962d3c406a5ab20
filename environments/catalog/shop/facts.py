"""Static facts the seed is drawn from: the product catalog, names and places."""

from __future__ import annotations

from dataclasses import dataclass

# (value, price adjustment in cents)
Axis = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class ProductSpec:
    name: str
    category: str
    description: str
    base_cents: int
    axes: dict[str, Axis]


def _plain(*values: str) -> Axis:
    return tuple((v, 0) for v in values)


SIZES = (*_plain("S", "M", "L"), ("XL", 300))
SHOE_SIZES = _plain("8", "9", "10", "11")

PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec(
        "Cotton Crew Tee",
        "apparel",
        "Heavyweight organic cotton T-shirt.",
        2499,
        {"colour": _plain("white", "black", "navy", "heather grey"), "size": SIZES},
    ),
    ProductSpec(
        "Merino Wool Sweater",
        "apparel",
        "Fine-knit merino crew neck.",
        8900,
        {"colour": _plain("charcoal", "oatmeal", "forest green"), "size": _plain("S", "M", "L")},
    ),
    ProductSpec(
        "Rain Shell Jacket",
        "apparel",
        "Waterproof, breathable three-layer shell.",
        12900,
        {"colour": _plain("yellow", "black", "olive"), "size": SIZES},
    ),
    ProductSpec(
        "Trail Running Shoes",
        "footwear",
        "Lightweight trail shoe with a grippy outsole.",
        11500,
        {"colour": _plain("blue/orange", "black"), "size": SHOE_SIZES},
    ),
    ProductSpec(
        "Leather Hiking Boots",
        "footwear",
        "Full-grain leather boot, waterproof lining.",
        17900,
        {"colour": _plain("brown", "black"), "size": (*SHOE_SIZES, ("12", 0))},
    ),
    ProductSpec(
        "Wool Hiking Socks 3-Pack",
        "apparel",
        "Cushioned merino blend socks.",
        2200,
        {"cushioning": _plain("light", "medium"), "size": _plain("M", "L")},
    ),
    ProductSpec(
        "Fleece Beanie",
        "apparel",
        "Soft recycled-fleece hat.",
        1900,
        {"colour": _plain("red", "grey", "navy")},
    ),
    ProductSpec(
        "Daypack 24L",
        "bags",
        "Everyday backpack with a padded laptop sleeve.",
        7900,
        {"colour": _plain("black", "teal", "rust")},
    ),
    ProductSpec(
        "Rolling Carry-On Suitcase",
        "bags",
        "Cabin-size hard-shell spinner.",
        24900,
        {"colour": _plain("graphite", "sand"), "material": (("polycarbonate", 0), ("aluminium", 12000))},
    ),
    ProductSpec(
        "Canvas Tote Bag",
        "bags",
        "Waxed canvas tote with leather handles.",
        2900,
        {"colour": _plain("natural", "black")},
    ),
    ProductSpec(
        "Pour-Over Coffee Kettle",
        "kitchen",
        "Gooseneck kettle for precise pouring.",
        6400,
        {"capacity": (("0.6 L", 0), ("1.0 L", 800)), "finish": _plain("matte black", "brushed steel")},
    ),
    ProductSpec(
        "Cast Iron Skillet",
        "kitchen",
        "Pre-seasoned cast iron pan.",
        3400,
        {"size": (("8 inch", 0), ("10 inch", 1000), ("12 inch", 2000))},
    ),
    ProductSpec(
        "Ceramic Dinner Plates Set of 4",
        "kitchen",
        "Stoneware plates, dishwasher safe.",
        4800,
        {"colour": _plain("white", "speckled sand", "slate")},
    ),
    ProductSpec(
        "Linen Duvet Cover",
        "home",
        "Stonewashed European linen.",
        13900,
        {
            "size": (("twin", 0), ("queen", 3000), ("king", 5000)),
            "colour": _plain("white", "sage", "terracotta"),
        },
    ),
    ProductSpec(
        "Memory Foam Pillow",
        "home",
        "Contoured pillow with a washable cover.",
        5900,
        {"firmness": _plain("soft", "medium", "firm")},
    ),
    ProductSpec(
        "French Press",
        "kitchen",
        "Double-wall stainless steel coffee press.",
        3900,
        {"capacity": (("350 ml", 0), ("1 L", 1000))},
    ),
    ProductSpec(
        "Wireless Earbuds",
        "electronics",
        "True wireless earbuds, 8 h battery.",
        12900,
        {"colour": _plain("black", "white")},
    ),
    ProductSpec(
        "Noise-Cancelling Headphones",
        "electronics",
        "Over-ear, active noise cancelling.",
        29900,
        {"colour": _plain("black", "silver", "midnight blue")},
    ),
    ProductSpec(
        "Bluetooth Speaker",
        "electronics",
        "Water-resistant portable speaker.",
        8900,
        {"colour": _plain("black", "red", "sky blue"), "battery": (("standard", 0), ("extended", 3000))},
    ),
    ProductSpec(
        "Smart Watch",
        "electronics",
        "Fitness and notifications, 5-day battery.",
        24900,
        {"case size": _plain("41 mm", "45 mm"), "band": (("sport", 0), ("leather", 4000))},
    ),
    ProductSpec(
        "Mechanical Keyboard",
        "electronics",
        "Hot-swappable keyboard with PBT keycaps.",
        13900,
        {
            "switch": _plain("linear", "tactile", "clicky"),
            "layout": (("full size", 0), ("tenkeyless", -1000)),
        },
    ),
    ProductSpec(
        "USB-C Charger 65W",
        "electronics",
        "Compact GaN wall charger.",
        4500,
        {"colour": _plain("white", "black")},
    ),
    ProductSpec(
        "E-Reader",
        "electronics",
        "Glare-free 7-inch e-ink reader.",
        13900,
        {"storage": (("8 GB", 0), ("32 GB", 3000))},
    ),
    ProductSpec(
        "Camping Tent",
        "outdoor",
        "Freestanding three-season tent.",
        21900,
        {"capacity": (("2-person", 0), ("4-person", 12000))},
    ),
    ProductSpec(
        "Down Sleeping Bag",
        "outdoor",
        "Packable 650-fill down bag.",
        14900,
        {"rating": (("30F", 0), ("15F", 4000)), "length": (("regular", 0), ("long", 1500))},
    ),
    ProductSpec(
        "Insulated Water Bottle",
        "outdoor",
        "Keeps drinks cold for 24 hours.",
        3200,
        {
            "capacity": (("500 ml", 0), ("750 ml", 400), ("1 L", 800)),
            "colour": _plain("stainless", "black", "sage"),
        },
    ),
    ProductSpec(
        "Trekking Poles",
        "outdoor",
        "Collapsible poles with cork grips, pair.",
        8900,
        {"material": (("aluminium", 0), ("carbon", 6000))},
    ),
    ProductSpec(
        "Rechargeable Headlamp",
        "outdoor",
        "USB-C headlamp with red-light mode.",
        3900,
        {"brightness": (("300 lumens", 0), ("600 lumens", 1500))},
    ),
    ProductSpec(
        "Yoga Mat",
        "fitness",
        "Natural rubber mat with alignment lines.",
        4900,
        {"thickness": (("4 mm", 0), ("6 mm", 800)), "colour": _plain("plum", "ocean", "black")},
    ),
    ProductSpec(
        "Adjustable Dumbbells",
        "fitness",
        "Quick-dial dumbbell pair.",
        19900,
        {"max weight": (("25 lb", 0), ("50 lb", 15000))},
    ),
)

FIRST_NAMES = (
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Mateo",
    "Sophia",
    "Ethan",
    "Isabella",
    "Lucas",
    "Mia",
    "Aiden",
    "Harper",
    "Elijah",
    "Amelia",
    "James",
    "Evelyn",
    "Daniel",
    "Abigail",
    "Henry",
    "Chloe",
    "Samuel",
    "Grace",
    "Omar",
    "Priya",
    "Wei",
    "Fatima",
    "Diego",
    "Hannah",
    "Kenji",
    "Nora",
    "Tariq",
    "Leah",
    "Marcus",
    "Yara",
    "Julian",
    "Zoe",
    "Andre",
    "Ingrid",
    "Rafael",
)
LAST_NAMES = (
    "Smith",
    "Johnson",
    "Garcia",
    "Nguyen",
    "Patel",
    "Kim",
    "Brown",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Moore",
    "Martin",
    "Lee",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Young",
    "Khan",
    "Rossi",
    "Schmidt",
    "Okafor",
    "Silva",
    "Cohen",
    "Ito",
    "Novak",
    "Murphy",
    "Rivera",
    "Bennett",
)
EMAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "fastmail.com")

# (city, state, first three zip digits)
PLACES = (
    ("Portland", "OR", "972"),
    ("Seattle", "WA", "981"),
    ("Denver", "CO", "802"),
    ("Austin", "TX", "787"),
    ("Chicago", "IL", "606"),
    ("Boston", "MA", "021"),
    ("Atlanta", "GA", "303"),
    ("Phoenix", "AZ", "850"),
    ("Minneapolis", "MN", "554"),
    ("Nashville", "TN", "372"),
    ("Columbus", "OH", "432"),
    ("San Diego", "CA", "921"),
    ("Sacramento", "CA", "958"),
    ("Raleigh", "NC", "276"),
    ("Pittsburgh", "PA", "152"),
    ("Madison", "WI", "537"),
    ("Boise", "ID", "837"),
    ("Tampa", "FL", "336"),
)
STREETS = (
    "Maple Ave",
    "Oak St",
    "Cedar Ln",
    "Pine St",
    "Elm St",
    "Lakeview Dr",
    "Hillcrest Rd",
    "Park Pl",
    "Washington Blvd",
    "Sunset Ave",
    "River Rd",
    "Highland Ave",
    "Willow Way",
    "Church St",
    "Main St",
    "Birch Ct",
    "Chestnut St",
    "Meadow Ln",
)
CARD_BRANDS = ("Visa", "Mastercard", "American Express", "Discover")
CARRIERS = ("UPS", "USPS", "FedEx")
CANCEL_REASONS = ("no longer needed", "ordered by mistake")

_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM "
    "NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
)
US_STATES = frozenset(_STATE_CODES.split())
