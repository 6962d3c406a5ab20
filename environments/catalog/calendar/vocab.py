"""Fixed facts of the company the seed is built from: people, offices, rooms, series, projects."""

from __future__ import annotations

COMPANY_DOMAIN = "larkspur.io"
ME = "P001"  # Nadia Okafor, the acting user (see policy.md)

OFFICE_ZONES = {
    "London": "Europe/London",
    "Berlin": "Europe/Berlin",
    "Lisbon": "Europe/Lisbon",
    "New York": "America/New_York",
    "Bangalore": "Asia/Kolkata",
}

# id, name, department, title, office
PEOPLE = [
    ("P001", "Nadia Okafor", "Product", "Head of Product", "London"),
    ("P002", "Tom Hargreaves", "Product", "Product Manager", "London"),
    ("P003", "Priya Raman", "Product", "Product Analyst", "Bangalore"),
    ("P004", "Lena Fischer", "Product", "Product Manager", "Berlin"),
    ("P005", "Jonas Weber", "Engineering", "Engineering Manager", "Berlin"),
    ("P006", "Marta Kowalski", "Engineering", "Senior Backend Engineer", "Berlin"),
    ("P007", "Felix Braun", "Engineering", "Backend Engineer", "Berlin"),
    ("P008", "Arjun Mehta", "Engineering", "Mobile Engineer", "Bangalore"),
    ("P009", "Sneha Iyer", "Engineering", "QA Engineer", "Bangalore"),
    ("P010", "Oliver Grant", "Engineering", "Staff Engineer", "London"),
    ("P011", "Chloe Martin", "Engineering", "Frontend Engineer", "London"),
    ("P012", "Rui Carvalho", "Engineering", "Data Engineer", "Lisbon"),
    ("P013", "Inês Duarte", "Engineering", "DevOps Engineer", "Lisbon"),
    ("P014", "Sophie Turner", "Design", "Design Lead", "London"),
    ("P015", "Daniel Costa", "Design", "Product Designer", "Lisbon"),
    ("P016", "Hannah Schulz", "Design", "UX Researcher", "Berlin"),
    ("P017", "Marcus Johnson", "Sales", "VP Sales", "New York"),
    ("P018", "Emily Chen", "Sales", "Account Executive", "New York"),
    ("P019", "Ryan O'Connor", "Sales", "Account Executive", "New York"),
    ("P020", "Grace Kim", "Sales", "Sales Engineer", "New York"),
    ("P021", "James Whitaker", "Sales", "Account Executive", "London"),
    ("P022", "Zoe Adams", "Marketing", "Marketing Director", "London"),
    ("P023", "Beatriz Santos", "Marketing", "Content Lead", "Lisbon"),
    ("P024", "Liam Walsh", "Marketing", "Growth Marketer", "London"),
    ("P025", "Aisha Bello", "Marketing", "Product Marketing Manager", "New York"),
    ("P026", "Charlotte Evans", "Leadership", "Chief Executive Officer", "London"),
    ("P027", "David Levy", "Finance", "Finance Director", "London"),
    ("P028", "Kavya Nair", "Finance", "Financial Analyst", "Bangalore"),
    ("P029", "Ben Carter", "Operations", "Operations Manager", "London"),
    ("P030", "Laura Meyer", "People", "People Partner", "Berlin"),
    ("P031", "Samuel Osei", "People", "Recruiter", "London"),
    ("P032", "Yuki Tanaka", "Engineering", "Mobile Engineer", "London"),
    ("P033", "Carlos Rivera", "Sales", "Customer Success Manager", "New York"),
    ("P034", "Anna Novak", "Operations", "Office Manager", "Berlin"),
    ("P035", "Ethan Brooks", "Engineering", "Security Engineer", "New York"),
    ("P036", "Maya Patel", "Design", "Product Designer", "London"),
]
DEPARTMENTS = sorted({p[2] for p in PEOPLE})
PART_TIME = {"P016": "Mon,Tue,Wed,Thu", "P023": "Mon,Tue,Wed,Thu"}
FIXED_HOURS = {"P001": ("09:00", "17:30")}
HOURS = [("08:00", "16:30"), ("08:30", "17:00"), ("09:00", "17:30"), ("09:00", "17:30"), ("09:30", "18:00")]

# id, name, office, floor, capacity, equipment
ROOMS = [
    ("LDN-KEW", "Kew", "London", 4, 40, "projector,speakerphone,video_conferencing"),
    ("LDN-THAMES", "Thames", "London", 3, 12, "projector,video_conferencing,whiteboard"),
    ("LDN-FLEET", "Fleet", "London", 3, 6, "tv_screen,whiteboard"),
    ("LDN-BRIXTON", "Brixton", "London", 2, 8, "video_conferencing,whiteboard"),
    ("LDN-CAMDEN", "Camden", "London", 2, 4, "tv_screen"),
    ("LDN-SOHO", "Soho", "London", 2, 2, "speakerphone"),
    ("BER-SPREE", "Spree", "Berlin", 1, 10, "projector,video_conferencing,whiteboard"),
    ("BER-MITTE", "Mitte", "Berlin", 1, 6, "tv_screen,whiteboard"),
    ("BER-TEGEL", "Tegel", "Berlin", 1, 3, "speakerphone"),
    ("NYC-HUDSON", "Hudson", "New York", 12, 12, "projector,video_conferencing"),
    ("NYC-BOWERY", "Bowery", "New York", 12, 6, "tv_screen,whiteboard"),
    ("NYC-CHELSEA", "Chelsea", "New York", 12, 4, "speakerphone,tv_screen"),
    ("LIS-TEJO", "Tejo", "Lisbon", 0, 8, "video_conferencing,whiteboard"),
    ("LIS-ALFAMA", "Alfama", "Lisbon", 0, 4, "tv_screen"),
    ("BLR-CUBBON", "Cubbon", "Bangalore", 5, 8, "video_conferencing,whiteboard"),
]
EQUIPMENT = ("projector", "speakerphone", "tv_screen", "video_conferencing", "whiteboard")

# title, organizer, frequency, weekday (0=Mon; ignored for daily), local "HH:MM" of the organizer,
# minutes, room, invitees ("*" = everyone)
SERIES = [
    (
        "Product weekly sync",
        "P001",
        "weekly",
        0,
        "10:00",
        45,
        "LDN-THAMES",
        ["P002", "P003", "P004", "P010", "P014", "P015", "P036"],
    ),
    (
        "Engineering standup",
        "P005",
        "daily",
        0,
        "10:00",
        15,
        None,
        ["P006", "P007", "P008", "P009", "P010", "P011", "P012", "P013", "P032", "P035"],
    ),
    (
        "Design critique",
        "P014",
        "biweekly",
        2,
        "14:00",
        60,
        "LDN-FLEET",
        ["P001", "P011", "P015", "P016", "P036"],
    ),
    (
        "Sales pipeline review",
        "P017",
        "weekly",
        1,
        "11:00",
        60,
        "NYC-HUDSON",
        ["P018", "P019", "P020", "P021", "P025", "P033"],
    ),
    ("Nadia / Tom 1:1", "P001", "weekly", 3, "11:00", 30, "LDN-CAMDEN", ["P002"]),
    ("Nadia / Priya 1:1", "P001", "weekly", 2, "09:30", 30, None, ["P003"]),
    ("Company all-hands", "P026", "biweekly", 3, "16:00", 60, "LDN-KEW", ["*"]),
    (
        "Marketing content planning",
        "P022",
        "weekly",
        4,
        "10:30",
        45,
        "LDN-BRIXTON",
        ["P001", "P023", "P024", "P025"],
    ),
    ("Ops & finance check-in", "P027", "biweekly", 1, "13:00", 30, "LDN-CAMDEN", ["P026", "P028", "P029"]),
]

# key, name, owner, status, due date (days from the clock), members
PROJECTS = [
    (
        "ATL",
        "Atlas mobile app relaunch",
        "P001",
        "active",
        81,
        ["P001", "P002", "P004", "P008", "P009", "P010", "P011", "P014", "P015", "P032"],
    ),
    (
        "BCN",
        "Beacon analytics dashboard",
        "P004",
        "active",
        52,
        ["P001", "P003", "P004", "P006", "P012", "P016"],
    ),
    ("CDR", "Cedar billing migration", "P027", "on_hold", 113, ["P001", "P006", "P007", "P027", "P028"]),
    (
        "DUN",
        "Dune website refresh",
        "P022",
        "completed",
        -24,
        ["P001", "P011", "P022", "P023", "P024", "P036"],
    ),
    (
        "EMB",
        "Ember partner onboarding",
        "P001",
        "active",
        39,
        ["P001", "P013", "P017", "P020", "P025", "P029", "P033"],
    ),
    ("FJD", "Fjord data warehouse", "P005", "active", 95, ["P005", "P007", "P012", "P013", "P035"]),
]
