"""Conversation templates of the seed mailbox.

Templates use `{first}` (the other person's first name), `{me}` (the owner's first name),
`{company}`, `{day}` / `{day2}` (dates after the conversation starts), `{amount}` and `{ref}`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Turn:
    author: str  # "them" or "me"
    body: str
    files: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Conversation:
    role: str
    subject: str
    turns: tuple[Turn, ...]
    folder: str = "inbox"
    labels: tuple[str, ...] = ()
    cc_colleague: bool = False


def _c(
    role: str,
    subject: str,
    *turns: Turn,
    folder: str = "inbox",
    labels: tuple[str, ...] = (),
    cc: bool = False,
) -> Conversation:
    return Conversation(role, subject, turns, folder, labels, cc)


T = Turn
CONVERSATIONS: tuple[Conversation, ...] = (
    _c(
        "client",
        "Spring campaign moodboard",
        T(
            "them",
            "Hi {me},\n\nAttached is the moodboard for the spring campaign. We'd love your team's "
            "thoughts before the kickoff on {day}.\n\nBest,\n{first}",
            (("spring_moodboard.pdf", 3_482_112),),
        ),
        T("me", "Thanks {first}, this looks great. We'll send consolidated notes by {day}.\n\nJordan"),
        T("them", "Perfect, speak then.\n\n{first}"),
        labels=("Clients",),
    ),
    _c(
        "client",
        "Contract renewal for {company}",
        T(
            "them",
            "Hello {me},\n\nOur current agreement ends on {day2}. Could you send the renewal terms? "
            "Budget this year is around ${amount}.\n\nThanks,\n{first}",
        ),
        T("me", "Hi {first}, happy to. I'll put together the renewal proposal this week.\n\nJordan"),
        labels=("Clients", "Follow up"),
        cc=True,
    ),
    _c(
        "client",
        "Website launch checklist",
        T(
            "them",
            "Hi {me}, here's our launch checklist. Can Harborlight own the QA items?\n\n{first}",
            (("launch_checklist.xlsx", 48_640),),
        ),
        folder="projects",
        labels=("Clients",),
    ),
    _c(
        "client",
        "Feedback on the logo concepts",
        T(
            "them",
            "{me},\n\nThe team prefers concept B, but could the wordmark be a little heavier? "
            "We'd like to sign off by {day}.\n\n{first}",
        ),
        T("me", "Noted, {first}. We'll send a revised concept B on {day}.\n\nJordan"),
        T("them", "Great, thank you!"),
        folder="projects",
        labels=("Clients",),
    ),
    _c(
        "client",
        "Invoice {ref} question",
        T(
            "them",
            "Hi {me}, accounts payable flagged invoice {ref} for ${amount}. Was the photography "
            "day included in that total?\n\nRegards,\n{first}",
        ),
        labels=("Clients", "Finance"),
    ),
    _c(
        "client",
        "Quarterly review meeting",
        T("them", "Hi {me}, could we schedule the quarterly review for {day}? 10am works for us.\n\n{first}"),
        T("me", "{day} at 10am works. I'll bring the metrics deck.\n\nJordan"),
        labels=("Clients",),
    ),
    _c(
        "print",
        "Invoice {ref} from Harbor Lane Print",
        T(
            "them",
            "Hello {me},\n\nPlease find attached invoice {ref} for the brochure print run, "
            "total ${amount}, due on {day2}.\n\nThank you,\n{first}\nHarbor Lane Print",
            (("invoice_{ref}.pdf", 182_272),),
        ),
        labels=("Finance",),
    ),
    _c(
        "print",
        "Proofs for the annual report",
        T(
            "them",
            "Hi {me}, the printed proofs are ready for pickup from {day}. Colour looks spot on.\n\n{first}",
        ),
        T("me", "Thanks {first}, someone from the studio will pick them up on {day}.\n\nJordan"),
        folder="archive",
    ),
    _c(
        "accounting",
        "Q1 tax documents",
        T(
            "them",
            "Hi {me},\n\nWe still need the Q1 expense report and the signed 1099 forms by {day2}. "
            "Could you upload them to the portal?\n\nThanks,\n{first}\nQuill & Ledger",
        ),
        T("me", "Hi {first}, I'll upload both by {day}.\n\nJordan"),
        labels=("Finance", "Follow up"),
    ),
    _c(
        "accounting",
        "Payroll change for April",
        T(
            "them",
            "{me}, confirming the payroll change takes effect on {day}. The new total is ${amount} "
            "per cycle.\n\n{first}",
        ),
        folder="archive",
        labels=("Finance",),
    ),
    _c(
        "av",
        "Site walkthrough video",
        T(
            "them",
            "Hi {me},\n\nHere is the walkthrough of the Pier 7 hall with the speaker positions marked. "
            "Large file, sorry!\n\n{first}\nBrightline AV",
            (("pier7_walkthrough.mov", 39_321_600),),
        ),
        labels=("Follow up",),
    ),
    _c(
        "av",
        "AV quote for the spring offsite",
        T(
            "them",
            "Hello {me}, our quote for two projectors, four wireless mics and a technician is "
            "${amount}. Quote reference {ref}, valid until {day2}.\n\n{first}",
            (("quote_{ref}.pdf", 96_256),),
        ),
        T("me", "Thanks {first}. We'd like to go ahead; please hold the date.\n\nJordan"),
        folder="projects",
        labels=("Finance",),
    ),
    _c(
        "catering",
        "Menu options for April 24",
        T(
            "them",
            "Hi {me},\n\nAttached are three lunch menus for 40 guests. The vegetarian option is "
            "${amount} in total.\n\n{first}\nCopper Kettle Catering",
            (("menus_april.pdf", 1_204_224),),
        ),
        folder="projects",
    ),
    _c(
        "venue",
        "Pier 7 booking confirmation",
        T(
            "them",
            "Dear {me},\n\nYour booking {ref} for the Harbor Room on {day2} is confirmed. "
            "The deposit of ${amount} is due one week before.\n\nKind regards,\n{first}\nPier 7 Event Space",
        ),
        T("me", "Thank you {first}, confirmed on our side.\n\nJordan"),
        folder="projects",
        labels=("Finance",),
    ),
    _c(
        "colleague",
        "Offsite photos",
        T(
            "them",
            "Hey {me}, photos from the last offsite as promised. Two big zips.\n\n{first}",
            (("offsite_photos_day1.zip", 14_680_064), ("offsite_photos_day2.zip", 13_107_200)),
        ),
        folder="archive",
    ),
    _c(
        "colleague",
        "Q2 budget review",
        T(
            "them",
            "Hi {me},\n\nCan you review the Q2 budget before Thursday? "
            "Travel is over by ${amount}.\n\n{first}",
            (("q2_budget.xlsx", 77_824),),
        ),
        T("me", "On it. I'll flag the travel lines and send comments tomorrow.\n\nJordan"),
        T("them", "Thanks!"),
        labels=("Finance", "Urgent"),
    ),
    _c(
        "colleague",
        "Board deck - Q1 numbers",
        T(
            "them",
            "{me}, the Q1 board deck is attached. Please keep this internal until the board meeting "
            "on {day}.\n\n{first}",
            (("board_deck_q1.pdf", 5_242_880),),
        ),
        labels=("Confidential",),
    ),
    _c(
        "colleague",
        "Salary review timeline",
        T(
            "them",
            "Hi {me}, sharing the salary review timeline: proposals due {day}, letters out "
            "{day2}. Internal only, please.\n\n{first}",
        ),
        labels=("Confidential",),
    ),
    _c(
        "colleague",
        "New laptop setup",
        T(
            "them",
            "Hi {me}, IT has your new laptop ready. "
            "Can you drop by on {day} to migrate your files?\n\n{first}",
        ),
        T("me", "{day} works, I'll come by after lunch.\n\nJordan"),
        folder="archive",
    ),
    _c(
        "colleague",
        "Hiring: junior designer shortlist",
        T(
            "them",
            "Hi {me}, I've shortlisted four candidates for the junior designer role. Interviews "
            "would run on {day}. Can you join the panel?\n\n{first}",
        ),
        T("me", "Count me in for the afternoon slots.\n\nJordan"),
        labels=("Follow up",),
    ),
    _c(
        "colleague",
        "Team lunch on Friday",
        T("them", "Who's in for team lunch on Friday? Thinking tacos.\n\n{first}"),
        T("me", "I'm in!"),
        folder="archive",
    ),
    _c(
        "colleague",
        "Parking permits",
        T(
            "them",
            "Hi all, the new parking permits are at reception. Old ones stop working on {day}.\n\n{first}",
        ),
        folder="archive",
    ),
    _c(
        "colleague",
        "Brand guidelines v3",
        T(
            "them",
            "Hi {me}, the updated brand guidelines are attached, mostly typography changes.\n\n{first}",
            (("brand_guidelines_v3.pdf", 8_912_896),),
        ),
        folder="projects",
    ),
    _c(
        "colleague",
        "Client feedback summary",
        T(
            "me",
            "Hi {first},\n\nHere's a summary of this month's client feedback: response times are up, "
            "and two clients asked for monthly reports.\n\nJordan",
        ),
        T("them", "Thanks Jordan, let's discuss at the ops meeting.\n\n{first}"),
    ),
    _c(
        "network",
        "Coffee next week?",
        T("them", "Hi {me}! It's been a while. Coffee next week? I'm free {day}.\n\n{first}"),
        T("me", "Lovely to hear from you {first}. {day} works, 9am at Heart on Burnside?\n\nJordan"),
        T("them", "See you there!"),
    ),
    _c(
        "network",
        "Intro: {first} <> Harborlight",
        T(
            "them",
            "Hi {me}, following up on our chat at the conference. Would Harborlight be open to a "
            "small pilot project in May?\n\nBest,\n{first}\n{company}",
        ),
        labels=("Follow up",),
    ),
    _c(
        "network",
        "Speaking slot at Design Week",
        T(
            "them",
            "Hello {me}, we'd love you to speak at Design Week on {day2}. 25 minutes plus Q&A. "
            "Let me know by {day}.\n\n{first}",
        ),
    ),
    _c(
        "network",
        "Partnership proposal",
        T(
            "me",
            "Hi {first},\n\nAttached is the partnership proposal we discussed. Happy to walk through it "
            "on a call.\n\nJordan",
            (("partnership_proposal.pdf", 1_572_864),),
        ),
        T("them", "Thanks Jordan, I'll share it with our partners and revert by {day}.\n\n{first}"),
    ),
    _c(
        "network",
        "Thanks for the referral",
        T("them", "{me}, thank you for referring us to the Mosaic team. We start next month!\n\n{first}"),
        folder="archive",
    ),
    _c(
        "friend",
        "Saturday hike?",
        T("them", "Hey {me}! Forecast looks good for Saturday. Multnomah Falls loop, leave at 8?\n\n{first}"),
        T("me", "Yes! I'll bring snacks.\n\nJ"),
        labels=("Personal",),
    ),
    _c(
        "friend",
        "Book club: next pick",
        T(
            "them",
            "Hi all, next book club is at mine on {day}. We're reading Tomorrow, and Tomorrow, "
            "and Tomorrow.\n\n{first}",
        ),
        labels=("Personal",),
    ),
    _c(
        "friend",
        "Photos from the wedding",
        T(
            "them",
            "{me}!! Here are some of the wedding photos.\n\n{first}",
            (("wedding_photos.zip", 22_020_096),),
        ),
        labels=("Personal",),
    ),
    _c(
        "friend",
        "Concert tickets",
        T("me", "Hey {first}, I got two tickets for the Khruangbin show on {day2}. Want to come?\n\nJ"),
        T("them", "Absolutely! What do I owe you? ${amount}?\n\n{first}"),
        labels=("Personal",),
    ),
    _c(
        "family",
        "Mum's birthday dinner",
        T(
            "them",
            "Hi love, we've booked Tusk for Mum's birthday on {day2} at 7pm. Can you make it?\n\n{first}",
        ),
        T("me", "Wouldn't miss it. I'll order the cake.\n\nJ"),
        labels=("Personal",),
    ),
    _c(
        "family",
        "Holiday plans",
        T(
            "them",
            "Are you coming home for the long weekend? "
            "Let us know so we can make up the spare room.\n\n{first}",
        ),
        labels=("Personal",),
    ),
)
