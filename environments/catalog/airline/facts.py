"""Fixed facts the seed is drawn from: airports, the route network, names, fares."""

from __future__ import annotations

# code: (airport name, city, country, latitude, longitude)
AIRPORTS: dict[str, tuple[str, str, str, float, float]] = {
    "ATL": ("Hartsfield-Jackson Atlanta International", "Atlanta", "United States", 33.64, -84.43),
    "BOS": ("Logan International", "Boston", "United States", 42.36, -71.01),
    "DEN": ("Denver International", "Denver", "United States", 39.86, -104.67),
    "DFW": ("Dallas/Fort Worth International", "Dallas", "United States", 32.90, -97.04),
    "JFK": ("John F. Kennedy International", "New York", "United States", 40.64, -73.78),
    "LAS": ("Harry Reid International", "Las Vegas", "United States", 36.08, -115.15),
    "LAX": ("Los Angeles International", "Los Angeles", "United States", 33.94, -118.41),
    "MIA": ("Miami International", "Miami", "United States", 25.79, -80.29),
    "MSP": ("Minneapolis-Saint Paul International", "Minneapolis", "United States", 44.88, -93.22),
    "ORD": ("O'Hare International", "Chicago", "United States", 41.98, -87.90),
    "PHX": ("Phoenix Sky Harbor International", "Phoenix", "United States", 33.43, -112.01),
    "SEA": ("Seattle-Tacoma International", "Seattle", "United States", 47.45, -122.31),
    "SFO": ("San Francisco International", "San Francisco", "United States", 37.62, -122.38),
    "YYZ": ("Toronto Pearson International", "Toronto", "Canada", 43.68, -79.63),
    "MEX": ("Mexico City International", "Mexico City", "Mexico", 19.44, -99.07),
}

HUBS = ("ORD", "DEN", "ATL", "DFW")

# Point-to-point routes besides the hub spokes (each flown in both directions).
EXTRA_ROUTES = (
    ("JFK", "LAX"),
    ("JFK", "SFO"),
    ("BOS", "MIA"),
    ("SEA", "SFO"),
    ("LAX", "LAS"),
    ("JFK", "MIA"),
    ("BOS", "LAX"),
    ("SEA", "LAX"),
    ("PHX", "SEA"),
    ("JFK", "YYZ"),
)

AIRCRAFT = ("Airbus A320", "Airbus A321neo", "Boeing 737-800", "Boeing 737 MAX 8", "Embraer E175")

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
    "Amelia",
    "Yusuf",
    "Harper",
    "Daniel",
    "Chloe",
    "Omar",
    "Grace",
    "Ravi",
    "Hannah",
    "Diego",
    "Priya",
    "Samuel",
    "Zoe",
    "Kenji",
    "Lena",
    "Marcus",
    "Aisha",
    "Jonah",
    "Nora",
    "Felix",
    "Ingrid",
    "Tariq",
    "Camila",
    "Wei",
    "Rosa",
    "Elijah",
    "Maya",
    "Anton",
)
LAST_NAMES = (
    "Chen",
    "Garcia",
    "Patel",
    "Johnson",
    "Okafor",
    "Kim",
    "Nguyen",
    "Rossi",
    "Schmidt",
    "Silva",
    "Brown",
    "Haddad",
    "Kowalski",
    "Martin",
    "Ahmed",
    "Tanaka",
    "Lopez",
    "Murphy",
    "Novak",
    "Singh",
    "Ward",
    "Fischer",
    "Moreau",
    "Khan",
    "Larsen",
    "Reyes",
    "Cohen",
    "Ibrahim",
    "Walsh",
    "Park",
)
EMAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me")
CARD_BRANDS = ("visa", "mastercard", "amex")

CABINS = ("basic_economy", "economy", "business")
MEMBERSHIPS = ("regular", "silver", "gold")

# Checked bags per passenger that cost nothing, by membership and cabin.
FREE_BAGS = {
    "regular": {"basic_economy": 0, "economy": 1, "business": 2},
    "silver": {"basic_economy": 1, "economy": 2, "business": 3},
    "gold": {"basic_economy": 2, "economy": 3, "business": 4},
}
BAG_FEE_CENTS = 5000
INSURANCE_CENTS = 3000  # per passenger
MAX_PASSENGERS = 5
MAX_BAGS_PER_PASSENGER = 5
COMPENSATION_CENTS = {"cancelled": 10000, "delayed": 5000}  # per passenger
COMPENSATION_MIN_DELAY = 60  # minutes
FREE_CANCEL_HOURS = 24
MIN_CONNECTION_MINUTES = 60
